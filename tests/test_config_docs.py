"""config/README.md is generated from the schema, and the schema's annotations name real rules and outputs."""

import fnmatch
import re
import sys
from pathlib import Path

import jsonschema
import yaml
from workflow_dag import plan

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "workflow" / "schemas"))
import document  # noqa: E402  (workflow/schemas/document.py)

SCHEMA = document.load()


def test_readme_is_generated_from_the_schema():
    committed = (ROOT / "config" / "README.md").read_text()
    assert committed == document.document(SCHEMA), (
        "config/README.md is out of date: python workflow/schemas/document.py > config/README.md"
    )


def test_schema_with_annotations_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for path in ("config/config.yaml", "config/paper.yaml", ".test/config/config.yaml"):
        jsonschema.Draft202012Validator(SCHEMA).validate(yaml.safe_load((ROOT / path).read_text()))


def test_every_key_has_a_description():
    assert not [key for key, sub, _ in document.keys(SCHEMA) if not sub.get("description")]


def test_annotations_name_the_rules_and_outputs_of_the_workflow(tmp_path):
    """Every rule is documented with its outputs (x-outputs), and x-rules/x-files name only rules that exist."""
    config = yaml.safe_load((ROOT / ".test" / "config" / "config.yaml").read_text())
    config["nest_crosscheck"] = {"enabled": True, "sigma": [0.5]}  # every rule in the run
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    jobs = plan(tmp_path, tmp_path / "config.yaml").jobs
    rules = {job.rule for job in jobs} - {"all"}
    outputs = SCHEMA["x-outputs"]
    assert set(outputs) == rules
    for job in jobs - {job for job in jobs if job.rule == "all"}:
        patterns = [re.sub(r"\{\w+\}", "*", pattern) for pattern in outputs[job.rule]]
        matched = {p for p in patterns if any(fnmatch.fnmatchcase(f, p) for f in job.output)}
        assert matched == set(patterns) and all(any(fnmatch.fnmatchcase(f, p) for p in patterns) for f in job.output), (
            f"{job.rule} writes {list(job.output)}; x-outputs in workflow/schemas/config.schema.yaml say"
            f" {outputs[job.rule]} (then: python workflow/schemas/document.py > config/README.md)"
        )
    named = set(SCHEMA["x-rules"])
    for _, sub, _ in document.keys(SCHEMA):
        named |= {name.partition("[")[0] for name in sub.get("x-rules", []) + sub.get("x-files", [])}
    assert named <= rules, f"annotations name rules that do not exist: {sorted(named - rules)}"
