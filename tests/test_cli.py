"""The command line as a user meets it: one clear line for bad input, JSON for machines."""

import json
import subprocess
import sys

import pytest


def simcore(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "simcore", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.mark.parametrize(
    "args, needle",
    [
        (["run", "--a", "-1", "--sigma", "1", "-o", "x.nc"], "--a"),
        (["run", "--a", "10", "--sigma", "-0.5", "-o", "x.nc"], "--sigma"),
        (["run", "--a", "10", "--sigma", "nan", "-o", "x.nc"], "--sigma"),
        (["run", "--a", "10", "--sigma", "1", "-o", "x.nc", "--set", "tau_mm=3"], "tau_mm"),
        (["run", "--a", "10", "--sigma", "1", "-o", "x.nc", "--set", "normalization=gauss"], "normalization"),
        (["run", "--a", "10", "--sigma", "9", "-o", "x.nc"], "t0"),
        (["psp", "--set", "tau_m=-1"], "tau_m"),
        (["psp", "--set", "dt"], "name=value"),
        (["psp", "--set", "n_groups=ten"], "n_groups"),
        (["background", "--neurons", "0"], "--neurons"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_gives_one_line_and_nonzero_exit(args, needle, tmp_path):
    result = simcore(*args, cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert needle in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "x.nc").exists()


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
