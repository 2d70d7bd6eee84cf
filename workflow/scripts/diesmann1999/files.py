"""Reading and writing the workflow's files: checked simulation files, stacked sweeps, CSV tables.

Every writer goes through ``simcore.dataset.write_atomically`` (temporary file, then rename), so an
interrupted job never leaves a file that looks complete.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from simcore.dataset import CorruptFileError, open_point, write_atomically

from .variants import SIM_NAME


def write_csv(frame, path) -> None:
    write_atomically(lambda tmp: frame.to_csv(tmp, index=False, float_format="%.6g"), path)


def write_text(text: str, path) -> None:
    write_atomically(lambda tmp: Path(tmp).write_text(text), path)


def open_sweep(path):
    """A stacked sweep (results/packets.nc or results/variants/<name>/packets.nc), loaded."""
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


def open_simulation(path, *, params_json: str | None = None, trials: range | None = None):
    """A simulation file, checked against its name (a, sigma) and, if given, the parameter set and
    the trials it must hold; a mismatch raises CorruptFileError naming the file and the fix."""
    ds = open_point(path)
    match = SIM_NAME.search(Path(path).name)
    fix = "delete it and rerun the workflow"
    if match:
        a, sigma = int(match["a"]), float(match["sigma"])
        if int(ds.attrs["a"]) != a or float(ds.attrs["sigma"]) != sigma:
            raise CorruptFileError(
                f"{path}: holds a={ds.attrs['a']}, sigma={ds.attrs['sigma']}, not the"
                f" a={a}, sigma={sigma} of its name; {fix}"
            )
    if params_json is not None and ds.attrs["params"] != params_json:
        raise CorruptFileError(f"{path}: simulated with other model parameters than this variant's; {fix}")
    if trials is not None and not np.array_equal(ds.trial.values, np.asarray(trials)):
        raise CorruptFileError(
            f"{path}: holds trials {ds.trial.values.min()}..{ds.trial.values.max()},"
            f" not {trials.start}..{trials.stop - 1}; {fix}"
        )
    return ds


def aggregate(paths, *, name: str, a_values, sigma_values, trials: int, params_json: str, trials_per_job: int):
    """Stack the simulation files of a variant into a Dataset (a_in, sigma_in, trial, group)."""
    import xarray as xr

    by_point: dict[tuple[int, float], list] = {}
    provenance = None
    for path in paths:
        chunk = int(SIM_NAME.search(Path(path).name)["chunk"])
        expected = range(chunk * trials_per_job, min((chunk + 1) * trials_per_job, trials))
        ds = open_simulation(path, params_json=params_json, trials=expected)
        key = (int(ds.attrs["a"]), float(ds.attrs["sigma"]))
        by_point.setdefault(key, []).append(ds[["a_out", "sigma_out", "t_out"]])
        provenance = provenance or dict(ds.attrs)
    n_groups = provenance and len(next(iter(by_point.values()))[0].group)
    shape = (len(a_values), len(sigma_values), trials, n_groups)
    arrays = {"a_out": np.zeros(shape), "sigma_out": np.full(shape, np.nan), "t_out": np.full(shape, np.nan)}
    for i, a in enumerate(a_values):
        for j, sigma in enumerate(sigma_values):
            parts = by_point.get((a, float(sigma)))
            if not parts:
                raise ValueError(f"no simulation file for a={a}, sigma={sigma} in variant {name}")
            point = xr.concat(parts, dim="trial").sortby("trial")
            if not np.array_equal(point.trial.values, np.arange(trials)):
                raise ValueError(f"trials of a={a}, sigma={sigma} in variant {name} are incomplete")
            for var in arrays:
                arrays[var][i, j] = point[var].values
    dims = ("a_in", "sigma_in", "trial", "group")
    attrs = {k: provenance[k] for k in ("params", "seed", "simcore_version", "git_commit", "Conventions")}
    attrs.update(title=f"synfire chain sweep, variant {name}", format="synfire-sweep/2", variant=name)
    return xr.Dataset(
        {
            "a_out": (
                dims,
                arrays["a_out"],
                {"long_name": "spikes in the packet (simcore.packets estimate; 0: dead)", "units": "1"},
            ),
            "sigma_out": (
                dims,
                arrays["sigma_out"],
                {"long_name": "temporal spread (sd) of the packet", "units": "ms"},
            ),
            "t_out": (dims, arrays["t_out"], {"long_name": "mean time of the packet", "units": "ms"}),
        },
        coords={
            "a_in": ("a_in", np.array(a_values, dtype=np.int64), {"long_name": "spikes in the input packet"}),
            "sigma_in": (
                "sigma_in",
                np.array(sigma_values, dtype=float),
                {"long_name": "input packet jitter", "units": "ms"},
            ),
            "trial": np.arange(trials),
            "group": np.arange(n_groups),
        },
        attrs=attrs,
    )
