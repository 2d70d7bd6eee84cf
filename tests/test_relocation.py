"""A finished run is relocatable: moved with its checkout to another path and run by a venv at another
path (another sys.executable, simcore from the moved checkout), it plans nothing; and no job's
recorded params hold an absolute path of the machine."""

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from workflow_dag import finished_run

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(".test") / "config" / "config.yaml"
VENV = Path(sys.prefix)  # the venv that runs the tests, and the original run


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    return finished_run(tmp_path_factory)  # shared with tests/test_rerun_contract.py


@pytest.fixture(scope="module")
def moved(finished, tmp_path_factory):
    """The run and the checkout copied elsewhere as `mv`, `cp -a` or `rsync -a` do (modification times
    kept: Snakemake re-runs a script's jobs when the script is newer than their outputs, so a fresh
    clone with the old results copied in would re-run them), and a venv at another path (a symlink
    to the same one, so that the installed packages are the same)."""
    there = tmp_path_factory.mktemp("there")
    shutil.copytree(finished, there / "run", symlinks=True)
    ignore = shutil.ignore_patterns(
        ".git", ".venv", ".venvs", ".snakemake", "results", "logs", "__pycache__", ".*cache", ".hypothesis"
    )
    shutil.copytree(ROOT, there / "repo", ignore=ignore)
    (there / "venv").symlink_to(VENV, target_is_directory=True)
    system_path = [p for p in os.environ["PATH"].split(os.pathsep) if not Path(p).resolve().is_relative_to(VENV)]
    env = dict(
        os.environ,
        PATH=os.pathsep.join([str(there / "venv" / "bin"), *system_path]),
        PYTHONPATH=str(there / "repo"),  # simcore from the moved checkout, as after `pip install -e .` there
    )
    env.pop("VIRTUAL_ENV", None)
    return there, env


def test_moved_run_plans_nothing(moved):
    there, env = moved
    python = there / "venv" / "bin" / "python"
    probe = (
        "import sys, shutil, simcore; print(sys.executable); print(shutil.which('simcore')); print(simcore.__file__)"
    )
    executable, simcore_command, simcore_module = subprocess.run(
        [str(python), "-c", probe], env=env, cwd=there, capture_output=True, text=True, check=True
    ).stdout.split()
    assert executable == str(python) != sys.executable
    assert simcore_command == str(there / "venv" / "bin" / "simcore")
    assert Path(simcore_module).is_relative_to(there / "repo")
    dry_run = [str(python), "-m", "snakemake", "-s", "Snakefile", "-d", str(there / "run"), "--configfile", str(CONFIG)]
    result = subprocess.run(
        [*dry_run, "-n"],
        env=env,
        cwd=there / "repo",
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Nothing to be done" in result.stdout + result.stderr, (result.stdout + result.stderr)[-3000:]


def test_no_absolute_path_in_recorded_params(finished):
    metadata = finished / ".snakemake" / "metadata"
    records = [path for path in metadata.rglob("*") if path.is_file()]  # one per output file
    assert len(records) > 40
    machine = {str(finished.parent), str(ROOT), str(VENV), str(VENV.resolve()), str(Path.home())}
    for record in records:
        params = json.dumps(json.loads(record.read_text())["params"])
        output = base64.urlsafe_b64decode("".join(record.relative_to(metadata).parts).replace("@", "")).decode()
        assert not [p for p in machine if p in params], f"{output}: the params hold a path of this machine"
