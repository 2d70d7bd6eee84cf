"""Reading and writing the workflow's files: checked simulation files, stacked sweeps, CSV tables.

Every writer goes through ``simcore.dataset.write_atomically`` (temporary file, then rename), so an
interrupted job never leaves a file that looks complete.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from simcore.dataset import REFERENCES, CorruptFileError, open_point, write_atomically

from .variants import SIM_NAME

SWEEP_FORMAT = "synfire-sweep/2"  # /2: a_out is float64 (the background-corrected estimate)


def write_csv(frame, path) -> None:
    """The table, and beside it its data dictionary <path>-metadata.json (diesmann1999.columns)."""
    import json

    from .columns import metadata, metadata_path

    description = json.dumps(metadata(frame, path), indent=1) + "\n"  # an undocumented column stops here
    write_atomically(lambda tmp: frame.to_csv(tmp, index=False, float_format="%.6g"), path)
    write_text(description, metadata_path(path))


def write_text(text: str, path) -> None:
    write_atomically(lambda tmp: Path(tmp).write_text(text), path)


def load_netcdf(path, fix: str):
    """The NetCDF file at `path`, loaded into memory; CorruptFileError naming the file and `fix` if it
    cannot be read."""
    import xarray as xr

    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            return ds.load()
    except Exception as error:  # h5py/h5netcdf raise many types for damaged files
        raise CorruptFileError(f"{path}: not a readable NetCDF file ({type(error).__name__}); {fix}") from None


def open_sweep(path):
    """A stacked sweep (results/packets.nc or results/variants/<name>/packets.nc), loaded and checked:
    a readable sweep file of the variant its path names; else CorruptFileError naming the file and the fix."""
    fix = "delete it and rerun the workflow"
    ds = load_netcdf(path, fix)
    if ds.attrs.get("format") != SWEEP_FORMAT:
        raise CorruptFileError(f"{path}: not a synfire sweep file (format {ds.attrs.get('format')!r}); {fix}")
    parts = Path(path).parts
    expected = parts[-2] if len(parts) >= 3 and parts[-3] == "variants" else "main"
    if ds.attrs.get("variant") != expected:
        raise CorruptFileError(f"{path}: holds variant {ds.attrs.get('variant')!r}, not {expected!r}; {fix}")
    return ds


def chunk_trials(path, trials: int, trials_per_job: int) -> range:
    """The trials that the simulation file `path` (chunk c in its name) must hold."""
    match = SIM_NAME.search(Path(path).name)
    if not match:
        raise CorruptFileError(f"{path}: not a simulation file name (a<a>_s<sigma>_c<chunk>.nc)")
    chunk = int(match["chunk"])
    return range(chunk * trials_per_job, min((chunk + 1) * trials_per_job, trials))


def open_simulation(path, *, params_json: str | None = None, trials: range | None = None, simulator: str | None = None):
    """A simulation file, checked against its name (a, sigma) and, if given, the parameter set, the
    trials it must hold and the digest of the simulator that must have written it; a mismatch raises
    CorruptFileError naming the file, what it holds and the fix."""
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
        held = f"{ds.trial.values.min()}..{ds.trial.values.max()}" if ds.sizes["trial"] else "none"
        raise CorruptFileError(f"{path}: holds trials {held}, not {trials.start}..{trials.stop - 1}; {fix}")
    if simulator is not None and ds.attrs.get("simulator_digest") != simulator:
        raise CorruptFileError(
            f"{path}: written by another simulator (code digest {ds.attrs.get('simulator_digest', 'none')},"
            f" this workflow's is {simulator}); {fix}"
        )
    return ds


def aggregate(
    paths,
    *,
    name: str,
    a_values,
    sigma_values,
    trials: int,
    params_json: str,
    trials_per_job: int,
    simulator: str | None = None,
):
    """Stack the simulation files of a variant into a Dataset (a_in, sigma_in, trial, group); every
    file is checked (open_simulation) against its name, the variant and the simulator's digest."""
    import xarray as xr

    by_point: dict[tuple[int, float], list] = {}
    provenance = None
    for path in paths:
        expected = chunk_trials(path, trials, trials_per_job)
        ds = open_simulation(path, params_json=params_json, trials=expected, simulator=simulator)
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
    attrs = {"title": f"synfire chain sweep, variant {name}", "Conventions": "CF-1.8", "references": REFERENCES}
    attrs.update({k: provenance[k] for k in ("params", "seed", "simcore_version", "git_commit")})
    attrs["source"] = provenance.get("source", f"simcore {provenance['simcore_version']}")
    attrs.update(simulator_digest=provenance.get("simulator_digest", "unknown"), format=SWEEP_FORMAT, variant=name)
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
            "a_in": (
                "a_in",
                np.array(a_values, dtype=np.int32),
                {"long_name": "spikes in the input packet", "units": "1"},
            ),
            "sigma_in": (
                "sigma_in",
                np.array(sigma_values, dtype=float),
                {"long_name": "temporal spread (sd) of the input packet", "units": "ms"},
            ),
            "trial": ("trial", np.arange(trials, dtype=np.int32), {"long_name": "trial index", "units": "1"}),
            "group": (
                "group",
                np.arange(n_groups, dtype=np.int32),
                {"long_name": "group index along the chain (0 receives the input packet)", "units": "1"},
            ),
        },
        attrs=attrs,
    )


def aggregate_variants(paths, variants, simulator: str | None = None):
    """One stacked sweep per variant spec (``aggregate``'s keyword arguments), from the simulation
    files of all of them (each under results/sims/<variant name>/)."""
    return [
        aggregate([p for p in paths if Path(p).parent.name == spec["name"]], **spec, simulator=simulator)
        for spec in variants
    ]
