"""The command line as a user meets it: one clear line for bad input, JSON for machines."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest


def simcore(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "simcore", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


RUN = ["run", "--a", "10", "--sigma", "1"]


# Malformed command lines (issue 13: at least 15), each with what its one line must name.
@pytest.mark.parametrize(
    "args, needle",
    [
        (["run", "--a", "-1", "--sigma", "1", "-o", "x.nc"], "--a"),
        (["run", "--a", "1.5", "--sigma", "1", "-o", "x.nc"], "--a"),
        (["run", "--a", "10", "--sigma", "-0.5", "-o", "x.nc"], "--sigma"),
        (["run", "--a", "10", "--sigma", "nan", "-o", "x.nc"], "--sigma"),
        (["run", "--a", "10", "--sigma", "1e999", "-o", "x.nc"], "--sigma"),
        ([*RUN, "-o", "x.nc", "--set", "tau_mm=3"], "tau_mm"),
        ([*RUN, "-o", "x.nc", "--set", "normalization=gauss"], "normalization"),
        ([*RUN, "-o", "x.nc", "--set", "w=nan"], "w must be a finite number"),
        ([*RUN, "-o", "x.nc", "--set", "t_stop=0"], "t_stop"),
        (["run", "--a", "10", "--sigma", "9", "-o", "x.nc"], "t0"),
        ([*RUN, "-o", ""], "-o/--output: expected a file name"),
        ([*RUN, "-o", "results/"], "-o/--output: results/ is a directory"),
        ([*RUN, "-o", "/dev/null/x.nc"], "-o/--output: cannot write /dev/null/x.nc"),
        ([*RUN], "-o/--output"),
        ([*RUN, "-o", "x.nc", "--trials", "0"], "--trials"),
        ([*RUN, "-o", "x.nc", "--trials", "5:3"], "--trials"),
        ([*RUN, "-o", "x.nc", "--threads", "0"], "--threads"),
        ([*RUN, "-o", "x.nc", "--seed", "-1"], "--seed"),
        ([*RUN, "-o", "x.nc", "--params-json", "[1]"], "--params-json"),
        ([*RUN, "-o", "x.nc", "--params-json", "{bad"], "--params-json"),
        ([*RUN, "-o", "x.nc", "--params-json", '{"tau_m": "10"}'], "tau_m must be a number"),
        (["psp", "--set", "tau_m=-1"], "tau_m"),
        (["psp", "--set", "dt"], "name=value"),
        (["psp", "--set", "n_groups=ten"], "n_groups"),
        (["psp", "--frobnicate"], "--frobnicate"),
        (["background", "--neurons", "0"], "--neurons"),
        (["background", "--neurons", "abc"], "--neurons"),
        (["background", "--duration", "0"], "--duration"),
        (["frobnicate"], "invalid choice"),
        ([], "command"),
    ],
)
def test_fuzz_bad_input_gives_one_line_exit_2_and_no_file(args, needle, tmp_path):
    result = simcore(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert needle in lines[0] and "Traceback" not in result.stderr
    assert lines[0].startswith("python -m simcore"), "the usage names the program as invoked"
    assert list(tmp_path.iterdir()) == [], "nothing on disk changes"


def test_unwritable_output_directory_is_refused_before_the_simulation(tmp_path):
    """(issue 13) -o into an unwritable directory failed only after the whole simulation."""
    from disks import tmpfs

    with tmpfs(tmp_path / "readonly", read_only=True) as folder:
        started = time.perf_counter()
        result = simcore(*RUN, "--trials", "200", "-o", str(folder / "sub" / "x.nc"))
        elapsed = time.perf_counter() - started
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "Read-only file system" in result.stderr, result.stderr
        assert f"cannot write {folder / 'sub' / 'x.nc'}" in result.stderr
        assert list(folder.iterdir()) == []
    assert elapsed < 10, "refused before simulating"


def test_full_disk_is_one_line_naming_the_file(tmp_path):
    """(issue 13) a full disk gave h5py's traceback, then a segmentation fault (exit 139)."""
    from disks import fill, tmpfs

    with tmpfs(tmp_path / "small") as folder:
        fill(folder)
        (folder / "filler").write_bytes(b"\0" * 150_000)  # room for some, not all, of the file
        fill(folder)
        result = simcore(*RUN, "--trials", "40", "--quiet", "-o", str(folder / "point.nc"))
        assert result.returncode == 1, result.stderr
        assert result.stderr.strip() == (
            f"python -m simcore run: error: no space left on device: could not write {folder / 'point.nc'}"
            " (free some space, then rerun)"
        )
        assert sorted(p.name for p in folder.iterdir()) == ["filler"], "no partial file is left"


def test_closed_pipe_ends_quietly():
    """(issue 13) `simcore psp | head` ended with a BrokenPipe error. Here the reader is gone before
    the command writes (it takes a second to start)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "simcore", "psp"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    process.stdout.close()
    stderr = process.communicate(timeout=300)[1]
    assert process.returncode == 0 and stderr == "", stderr


def test_version_and_the_program_name_as_invoked():
    import shutil

    from simcore import __version__
    from simcore.sources import simulator_digest

    assert simcore("--version").stdout.strip() == (
        f"python -m simcore {__version__} (simulator digest {simulator_digest()})"
    )
    console = shutil.which("simcore")
    assert console, "the simcore console script is on PATH (pip install -e .)"
    result = subprocess.run([console, "run", "--a", "x"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and result.stderr.startswith("simcore run: error: argument --a")
    usage = subprocess.run([console, "run", "--help"], capture_output=True, text=True, timeout=300).stdout
    assert usage.startswith("usage: simcore run") and "see `simcore --help`" in " ".join(usage.split())


def test_negative_zero_sigma_is_stored_as_zero(tmp_path):
    result = simcore("run", "--a", "20", "--sigma", "-0.0", "--trials", "1", "--quiet", "-o", "p.nc", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    from simcore.dataset import open_point

    sigma = open_point(tmp_path / "p.nc").attrs["sigma"]
    assert sigma == 0 and str(sigma) == "0.0"


def test_psp_of_a_negative_weight():
    """(issue 13) `psp --set w=-5` printed SciPy's "f(a) and f(b) must have different signs"."""
    result = simcore("psp", "--json", "--set", "w=-5")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["peak_mv"] == pytest.approx(-5 / 4.86 * 0.136889, rel=1e-5)


def test_progress_counts_trials_rate_and_time_left(monkeypatch):
    """Progress is silent for the first PROGRESS_AFTER_S, then shows trials done, rate and time left
    on one rewritten line; nothing at all on a stream that is not a terminal."""
    import io

    from simcore import cli

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    clock = iter([0.0, 1.0, cli.PROGRESS_AFTER_S + 1.0, cli.PROGRESS_AFTER_S + 2.0])
    monkeypatch.setattr(cli.time, "perf_counter", lambda: next(clock))
    terminal = Terminal()
    progress = cli.Progress(8, terminal)
    progress()  # 1 s: too early
    assert terminal.getvalue() == ""
    progress()
    progress()
    progress.close()
    rate_2 = 2 / (cli.PROGRESS_AFTER_S + 1.0)
    assert terminal.getvalue().startswith(f"\r2/8 trials, {rate_2:.1f} trials/s, {6 / rate_2:.0f} s left")
    assert terminal.getvalue().count("\r") == 2 and terminal.getvalue().endswith("\n")
    log = io.StringIO()
    monkeypatch.setattr(cli.time, "perf_counter", lambda: 100.0)
    quiet = cli.Progress(8, log)
    quiet()
    quiet.close()
    assert log.getvalue() == ""


def test_progress_on_a_terminal_only(tmp_path):
    """The command shows progress on a terminal (a pty here) and none in a log or a pipe."""
    import os
    import pty
    import re

    from simcore.cli import PROGRESS_AFTER_S

    def on_a_terminal(trials: int) -> tuple[float, str]:
        args = [sys.executable, "-m", "simcore", "run", "--a", "60", "--sigma", "1", "--threads", "1", "-o"]
        args += [str(tmp_path / "p.nc"), "--trials", str(trials), "--set", "t_stop=60", "--set", "n_groups=6"]
        main, terminal = pty.openpty()
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal, text=True)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the process closed its end
                break
            if not chunk:
                break
            shown += chunk
        out = process.communicate(timeout=300)[0]
        os.close(main)
        assert process.returncode == 0
        return float(re.search(rf"{trials} trials in ([0-9.]+) s", out)[1]), shown.decode()

    # Long enough to pass PROGRESS_AFTER_S on any machine: more trials until the run takes twice
    # that (its reported time includes packet extraction and writing, which the progress clock
    # does not; a skip here would leave the feature untested wherever the kernel is fast).
    trials = 4000  # 4.5-9 s on the machine of 2026-12-02
    seconds, text = on_a_terminal(trials)
    while seconds < 2 * PROGRESS_AFTER_S:
        assert trials < 200_000, f"{trials} trials took only {seconds} s"
        trials = int(trials * (2 * PROGRESS_AFTER_S + 2.0) / seconds)
        seconds, text = on_a_terminal(trials)
    assert f"/{trials} trials, " in text and " trials/s, " in text and " s left" in text, text
    quiet = simcore("run", "--a", "60", "--sigma", "1", "--trials", "2", "-o", str(tmp_path / "q.nc"))
    assert "trials/s" not in quiet.stderr + quiet.stdout


def test_a_above_group_size_is_fine(tmp_path):
    result = simcore(
        "run",
        "--a",
        "150",
        "--sigma",
        "0",
        "--trials",
        "1",
        "-o",
        "p.nc",
        "--quiet",
        "--set",
        "n_groups=2",
        "--set",
        "t_stop=40",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p.nc").is_file()


def test_psp_json():
    result = json.loads(simcore("psp", "--json").stdout)
    assert abs(result["peak_mv"] - 0.136889) < 1e-6 and abs(result["t_peak_ms"] - 1.697) < 0.1
    euler = json.loads(simcore("psp", "--json", "--set", "integrator=euler").stdout)
    assert abs(euler["peak_mv"] - 0.1401) < 5e-5


def test_background_json():
    result = json.loads(simcore("background", "--neurons", "200", "--duration", "500", "--seed", "3", "--json").stdout)
    for key in ("rate_hz", "v_mean_mv", "v_sd_mv", "free_v_mean_mv", "free_v_sd_mv"):
        assert isinstance(result[key], float), key
    assert -64 < result["free_v_mean_mv"] < -60


def test_background_chain_json_gives_the_packet_estimator_s_rates():
    """`simcore background --chain` re-measures the defaults of the packet estimator's background."""
    from simcore.params import Params

    result = json.loads(simcore("background", "--chain", "--trials", "100", "--seed", "2", "--json").stdout)
    assert len(result["rate_hz_by_group"]) == 10 and result["from_ms"] == 20.0
    assert abs(result["first_group_hz"] - Params().packet_background_rate_first) < 0.15
    assert abs(result["later_groups_hz"] - Params().packet_background_rate) < 0.15
    assert result["later_groups_hz"] > result["first_group_hz"] + 0.5  # each group drives the next


def test_help_lists_parameters_with_units_and_defaults():
    text = simcore("--help").stdout
    for piece in ("tau_m = 10.0 ms", "normalization = one_over_e_peak", "integrator = exact", "background = diffusion"):
        assert piece in text


def test_run_prints_the_packet_table(tmp_path):
    result = simcore("run", "--a", "100", "--sigma", "0.5", "--trials", "2", "-o", "p.nc", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "group  alive" in result.stdout and (tmp_path / "p.nc").is_file()


def test_a_job_skips_numba_s_blas_probe_and_gets_the_same_bytes(tmp_path):
    """A job, through the `simcore` command (as the workflow runs it) or `python -m simcore`, does
    not import scipy.linalg (numba's BLAS probe, ~0.2 s of its start-up; simcore.cli.script), and
    its file has the same bytes as with the probe kept (SYNFIRE_NUMBA_BLAS=1, the control: there
    scipy.linalg is imported). Catches an entry point that misses the skip (the console script did),
    a numba that moves its probe, and any effect of the skip on results."""
    command = str(Path(sys.executable).with_name("simcore"))
    loaded, files = {}, {}
    for name, entry, keep in (("script", [command], ""), ("module", [sys.executable, "-m", "simcore"], ""),
                              ("probe kept", [command], "1")):  # fmt: skip
        out = tmp_path / f"{name}.nc"
        env = {**os.environ, "SYNFIRE_NUMBA_BLAS": keep, "PYTHONPROFILEIMPORTTIME": "1"}
        done = subprocess.run(
            [*entry, *RUN, "--trials", "2", "-o", str(out), "--quiet"],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        modules = {
            line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")
        }
        loaded[name], files[name] = "scipy.linalg" in modules, out.read_bytes()
    assert loaded == {"script": False, "module": False, "probe kept": True}
    assert files["script"] == files["module"] == files["probe kept"]
