"""The optional NEST cross-check: the model mapping always, NEST itself where `make bench-peers` ran."""

import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml
from workflow_dag import snakemake_command

from diesmann1999.crosscheck import peers_nest_model
from simcore.params import Params

ROOT = Path(__file__).resolve().parent.parent
NEST = peers_nest_model()  # bench/peers/nest_model.py: the chain as the peers' runners see it
NEST_PYTHON, diffusion_rates, nest_model = NEST.NEST_PYTHON, NEST.diffusion_rates, NEST.nest_model


def test_background_rates_match_the_diffusion():
    nu_e, nu_i = diffusion_rates(Params())
    w = 4.86
    assert (nu_e - nu_i) * w == pytest.approx(25.27)  # mean drive mu, per ms
    assert (nu_e + nu_i) * w**2 == pytest.approx(39.24**2)  # variance rate s^2
    assert nu_e == pytest.approx(35.195, abs=1e-3) and nu_i == pytest.approx(29.996, abs=1e-3)
    model = nest_model(Params())
    assert model["C_m"] == 250.0 and len(model["init_factor"]) == 3


def test_only_the_default_model_is_mirrored():
    with pytest.raises(ValueError, match="exact integration"):
        nest_model(Params(integrator="euler"))


@pytest.mark.skipif(not NEST_PYTHON.exists(), reason="NEST not installed: `make bench-peers` creates its venv")
def test_workflow_overlays_nest(tmp_path):
    config = yaml.safe_load((ROOT / ".test" / "config" / "config.yaml").read_text())
    config.update(
        bifurcation={"enabled": False},
        normalization={"enabled": False},
        rasters=[],
        window_variants={},
        nest_crosscheck={"enabled": True, "sigma": [0.5], "trials": 4},
    )
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
    result = subprocess.run(
        snakemake_command(tmp_path, tmp_path / "c.yaml", "--cores", "2", "results/figures/nest_crosscheck.png"),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    nest = pd.read_csv(tmp_path / "results" / "nest" / "survival.csv").set_index("a")
    assert nest.loc[100, "p"] >= 0.75 and nest.loc[20, "p"] <= 0.25
    assert (tmp_path / "results" / "figures" / "nest_crosscheck.png").stat().st_size > 5000
