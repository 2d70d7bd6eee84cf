"""A full disk under the workflow's figure jobs (issue 13): they failed with exit status 120 and an
empty log, because their stderr went to the full disk. Now the log, or where the log cannot be
written the job's own stderr that Snakemake shows, says "no space left on device" with the file."""

import subprocess
import sys
from pathlib import Path

import yaml
from disks import fill, tmpfs

ROOT = Path(__file__).resolve().parent.parent
CONFIG = {
    "seed": 1,
    "trials": 3,
    "trials_per_job": 3,
    "grid": {"a": [20, 100], "sigma": [0.5]},
    "model": {"n_groups": 5, "t_stop": 60.0},
}
TARGET = "results/figures/transmission.png"


def snakemake(workdir, *args):
    command = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workdir)]
    command += ["--configfile", str(workdir / "config.yaml"), "--cores", "1", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def test_figure_job_on_a_full_disk_says_so(tmp_path):
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(CONFIG))
    ready = snakemake(tmp_path, "results/tables/transmission.csv")
    assert ready.returncode == 0, ready.stderr[-3000:]
    message = f"no space left on device: could not write {TARGET}"
    with tmpfs(tmp_path / "results" / "figures", size="64k") as figures:
        fill(figures)
        result = snakemake(tmp_path, TARGET)
        assert result.returncode != 0
        log = (tmp_path / "logs" / "figures" / "transmission.log").read_text()
        assert message in log and "Traceback" not in log, log
        assert f"figure_transmission: error: {message}" in result.stderr, result.stderr[-3000:]
        assert "exit status 120" not in result.stderr
        # The log on the full disk as well: the job's stderr still says it.
        with tmpfs(tmp_path / "logs" / "figures", size="64k") as logs:
            fill(logs)
            result = snakemake(tmp_path, TARGET)
            assert result.returncode != 0
            assert f"figure_transmission: error: {message}" in result.stderr, result.stderr[-3000:]
            assert "could not be written either" in result.stderr
            assert "exit status 120" not in result.stderr
