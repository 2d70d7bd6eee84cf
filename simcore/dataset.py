"""Simulation results as an xarray.Dataset, and NetCDF files (h5netcdf) written atomically.

Layout of one (a, sigma) point:

* ``a_out``, ``sigma_out``, ``t_out`` (trial, group): the packet in every group (simcore.packets);
  a_out is float64 (the default estimator's a is not an integer), exactly 0 for a dead packet.
* ``input_time`` (trial, input): the input packet's spike times as delivered (ms, on the grid).
* Spikes as a CF contiguous ragged array: ``spike_time``, ``spike_group``, ``spike_neuron``
  (spike), trial by trial in trial order and by time within a trial; ``spike_count`` (trial) carries
  ``sample_dimension = "spike"`` and says how many of them belong to each trial.
* Attributes: a, sigma, seed, the full parameter set as JSON, simcore version, git commit.

A file is written under a temporary name in the same directory and renamed into place when
complete, so an interrupted run never leaves a file that looks complete.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from pathlib import Path

import numpy as np

from . import __version__
from .params import Params

FORMAT = "synfire-point/2"  # /2: a_out is float64 (background-corrected estimate)
ENCODING = {"zlib": True, "complevel": 4}


def git_commit() -> str:
    """The commit of the source tree simcore runs from ("unknown" outside a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
        )
        commit = out.stdout.strip()
        if out.returncode == 0 and commit:
            dirty = subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=Path(__file__).parent,
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
            return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return "unknown"


def point_contents(params: Params, a: int, sigma: float, seed: int, trial_ids, trials, packets):
    """The variables, coordinates and attributes of one (a, sigma) point (the file layout, once)."""
    a_out, sigma_out, t_out = packets
    counts = np.array([t.steps.size for t in trials], dtype=np.int64)
    steps = np.concatenate([t.steps for t in trials]) if trials else np.empty(0, np.int32)
    neurons = np.concatenate([t.neurons for t in trials]) if trials else np.empty(0, np.int32)
    inputs = np.stack([t.input_steps for t in trials]) if trials else np.empty((0, a), np.int32)
    dims = ("trial", "group")
    variables = {
        "a_out": (dims, a_out, {"long_name": "spikes in the packet (simcore.packets estimate; 0: dead)", "units": "1"}),
        "sigma_out": (dims, sigma_out, {"long_name": "temporal spread (sd) of the packet", "units": "ms"}),
        "t_out": (dims, t_out, {"long_name": "mean time of the packet", "units": "ms"}),
        "input_time": (
            ("trial", "input"),
            inputs * params.dt,
            {"long_name": "input packet spike times", "units": "ms"},
        ),
        "spike_count": ("trial", counts, {"long_name": "spikes per trial", "sample_dimension": "spike"}),
        "spike_time": ("spike", steps * params.dt, {"long_name": "spike time", "units": "ms"}),
        "spike_group": (
            "spike",
            (neurons // params.group_size).astype(np.int16),
            {"long_name": "group of the spiking neuron"},
        ),
        "spike_neuron": (
            "spike",
            (neurons % params.group_size).astype(np.int16),
            {"long_name": "neuron index within its group"},
        ),
    }
    coords = {
        "trial": ("trial", np.asarray(list(trial_ids), dtype=np.int64), {}),
        "group": ("group", np.arange(params.n_groups, dtype=np.int64), {}),
    }
    attrs = {
        "title": "synfire chain: packet propagation, one (a, sigma) point",
        "Conventions": "CF-1.10",
        "format": FORMAT,
        "a": int(a),
        "sigma": float(sigma),
        "seed": int(seed),
        "params": params.to_json(),
        "simcore_version": __version__,
        "git_commit": git_commit(),
    }
    return variables, coords, attrs


def point_dataset(contents):
    """The xarray.Dataset of point_contents(...)."""
    import xarray as xr

    variables, coords, attrs = contents
    return xr.Dataset(variables, coords={k: (d, v) for k, (d, v, _) in coords.items()}, attrs=attrs)


def write_point(contents, path) -> Path:
    """Write point_contents(...) to NetCDF with h5netcdf directly (no xarray import: fast job start-up)."""
    import h5netcdf

    variables, coords, attrs = contents
    sizes = {}
    for dims, data, _ in list(coords.values()) + list(variables.values()):
        sizes.update(zip((dims,) if isinstance(dims, str) else dims, np.shape(data)))

    def write(tmp):
        with h5netcdf.File(tmp, "w") as f:
            f.dimensions = sizes
            for name, (dims, data, var_attrs) in {**coords, **variables}.items():
                dims = (dims,) if isinstance(dims, str) else dims
                compress = {"compression": "gzip", "compression_opts": 4} if np.size(data) else {}
                variable = f.create_variable(name, dims, data=np.asarray(data), **compress)
                variable.attrs.update(var_attrs)
            f.attrs.update(attrs)

    return write_atomically(write, path)


def run_dataset(params: Params, a: int, sigma: float, trials, seed: int, threads: int | None = None):
    """Simulate the trials of (a, sigma), extract the packets, return the Dataset."""
    return point_dataset(run_point(params, a, sigma, trials, seed, threads))


def run_point(params: Params, a: int, sigma: float, trials, seed: int, threads: int | None = None):
    """Simulate and extract, as point_contents (for write_point without importing xarray)."""
    from .network import simulate_chain
    from .packets import extract_packets

    trial_ids = list(range(trials)) if isinstance(trials, int) else [int(t) for t in trials]
    spikes = simulate_chain(params, a, sigma, trial_ids, seed, threads)
    return point_contents(params, a, sigma, seed, trial_ids, spikes, extract_packets(spikes, params))


def write_netcdf(ds, path) -> Path:
    """Write `ds` to `path` atomically (temporary file + rename)."""
    encoding = dict.fromkeys(ds.data_vars, ENCODING)
    return write_atomically(lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf", encoding=encoding), path)


def write_atomically(write, path) -> Path:
    """Run write(temporary path), then rename it to `path`; never leave a partial file at `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*.part"):  # left by a killed earlier attempt
        stale.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


class CorruptFileError(ValueError):
    pass


def open_point(path):
    """Load a point file fully into memory; a missing, truncated or foreign file raises one clear error."""
    import xarray as xr

    path = Path(path)
    if not path.is_file():
        raise CorruptFileError(f"{path}: no such file")
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            ds = ds.load()
    except Exception as error:  # h5py/h5netcdf raise many types for damaged files
        raise CorruptFileError(
            f"{path}: not a readable NetCDF file ({type(error).__name__}); delete it and rerun"
        ) from None
    if ds.attrs.get("format") != FORMAT:
        raise CorruptFileError(f"{path}: not a synfire point file (format {ds.attrs.get('format')!r})")
    return ds


def spikes_frame(ds):
    """All spikes of a point Dataset as a pandas DataFrame with columns trial, time, group, neuron."""
    import pandas as pd

    return pd.DataFrame(
        {
            "trial": np.repeat(ds["trial"].values, ds["spike_count"].values),
            "time": ds["spike_time"].values,
            "group": ds["spike_group"].values,
            "neuron": ds["spike_neuron"].values,
        }
    )


def params_of(ds) -> Params:
    return Params.from_json(ds.attrs["params"])


def describe_packets(contents) -> str:
    """Mean packet per group across trials (of point_contents), as a text table."""
    variables, _, attrs = contents
    a_out, sigma_out, t_out = (variables[name][1] for name in ("a_out", "sigma_out", "t_out"))
    lines = [f"a = {attrs['a']}, sigma = {attrs['sigma']} ms, {a_out.shape[0]} trials"]
    lines.append("group  alive  mean a_out  mean sigma_out [ms]  mean t_out [ms]")
    alive = (a_out > 0).mean(axis=0)
    a_mean = a_out.mean(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: dead packets
        s_mean = np.nanmean(sigma_out, axis=0)
        t_mean = np.nanmean(t_out, axis=0)
    for k in range(a_out.shape[1]):
        lines.append(f"{k:5d}  {alive[k]:5.2f}  {a_mean[k]:10.1f}  {s_mean[k]:19.3f}  {t_mean[k]:15.2f}")
    return "\n".join(lines)
