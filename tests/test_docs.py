"""The repository stands alone: its documents exist, refer to nothing outside it, and link to files
that exist; the test config is used as it is, never merged with the default one."""

import re
import subprocess
from pathlib import Path

import pytest
from workflow_dag import jobs_of

ROOT = Path(__file__).resolve().parent.parent
# Names of the material the project was built from, which is not part of the repository (spelled
# in pieces so that this file does not name them itself).
OUTSIDE = ("REFERENCE" + ".md", "../" + "shared")


def tracked_files():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in out.splitlines() if (ROOT / name).is_file()]


def test_no_file_refers_outside_the_repository():
    offenders = []
    for path in tracked_files():
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        offenders += [f"{path.relative_to(ROOT)}: {name}" for name in OUTSIDE if name in text]
    assert offenders == []


@pytest.mark.parametrize("name", ["model.md", "kernels.md", "performance.md", "workflow.md", "simulator.md"])
def test_documents_exist(name):
    assert len((ROOT / "docs" / name).read_text()) > 1000


def test_relative_links_of_the_documents_resolve():
    broken = []
    for path in [ROOT / "README.md", ROOT / "config" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text()):
            if "://" not in target and not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_a_given_config_is_not_merged_with_the_default(tmp_path):
    """config/config.yaml has two window variants; a config that leaves the key out gets the
    schema's default (none), not the default config's (the Snakefile once merged them)."""
    text = (ROOT / ".test" / "config" / "config.yaml").read_text()
    config = tmp_path / "config.yaml"
    config.write_text(re.sub(r"window_variants:\n(  .*\n)+", "", text))
    assert "window_variants" not in config.read_text()
    (window,) = [job for job in jobs_of(tmp_path, config) if job.rule == "window_sensitivity"]
    assert window.params["windows"] == {}
