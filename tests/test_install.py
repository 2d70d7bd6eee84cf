"""The simulator installs on its own: `pip install .` of a clean checkout into a fresh venv (core
dependencies only, no `.[workflow]`), then used from another directory.

pip uses its configured index and cache; the install (numba, llvmlite, numpy, h5py, xarray) takes
most of the test's time. Run with `pytest -m slow tests/test_install.py` or as part of the whole suite.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW_ONLY = ("matplotlib", "seaborn", "snakemake", "scipy")  # the `workflow` extra, never the simulator's


# Nothing of this environment leaks into the fresh one (PYTHONPATH could import simcore from a source tree).
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def run(*command, cwd, timeout=900):
    result = subprocess.run(command, cwd=cwd, env=CLEAN_ENV, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{command}: {result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh venv with synfire installed from a clean copy of the checkout (no venv, results, caches)."""
    tmp = tmp_path_factory.mktemp("install")
    checkout = tmp / "checkout"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(".*", "results", "logs", "build", "*.egg-info"))
    run(sys.executable, "-m", "venv", str(tmp / "venv"), cwd=tmp)
    python = tmp / "venv" / "bin" / "python"
    run(str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet", str(checkout), cwd=tmp)
    shutil.rmtree(checkout)  # what runs now is the installed copy, not a source tree
    work = tmp / "work"
    work.mkdir()
    return python, work


@pytest.mark.slow
def test_import_is_the_installed_copy_and_light(venv):
    python, work = venv
    code = textwrap.dedent("""
        import importlib.util, json, sys
        import simcore, simcore.cli, simcore.params, simcore.psp, simcore.network
        print(json.dumps(dict(
            file=simcore.__file__,
            imported=sorted({m.split(".")[0] for m in sys.modules}),
            installed=[n for n in sys.argv[1:] if importlib.util.find_spec(n) is not None],
        )))
    """)
    out = json.loads(run(str(python), "-c", code, *WORKFLOW_ONLY, cwd=work))
    assert Path(out["file"]).is_relative_to(python.parent.parent), "simcore is not imported from the venv"
    assert out["installed"] == [], "the workflow's packages were installed with the simulator"
    assert not {*WORKFLOW_ONLY, "pandas"} & set(out["imported"]), "importing simcore pulls in heavy packages"


@pytest.mark.slow
def test_simcore_command_runs(venv):
    python, work = venv
    simcore = str(python.parent / "simcore")
    psp = json.loads(run(simcore, "psp", "--json", cwd=work))
    assert psp["peak_mv"] == pytest.approx(0.136889, abs=1e-6)
    run(simcore, "run", "--a", "60", "--sigma", "1", "--trials", "2", "--seed", "1", "-o", "x.nc",
        "--set", "n_groups=3", "--set", "t_stop=40", cwd=work)  # fmt: skip
    assert (work / "x.nc").stat().st_size > 0
    assert not list(work.glob("*.part")), "a temporary file was left behind"
