"""Simulation results as an xarray.Dataset, and NetCDF files (h5netcdf) written atomically.

Layout of one (a, sigma) point:

* ``a_out``, ``sigma_out``, ``t_out`` (trial, group): the packet in every group (simcore.packets);
  a_out is float64 (the default estimator's a is not an integer), exactly 0 for a dead packet.
* ``input_time`` (trial, input): the input packet's spike times as delivered (ms, on the grid).
* Spikes as a CF contiguous ragged array (CF 1.8 section 9.3, featureType timeSeries: one series
  per trial): ``spike_time``, ``spike_group``, ``spike_neuron`` (spike), trial by trial in trial order
  and by time within a trial; ``spike_count`` (trial, 32-bit) carries ``sample_dimension = "spike"``
  and says how many of them belong to each trial. ``spikes_frame(ds)`` gives them as one table with
  a trial column, ``trial_spikes(ds, trial)`` those of one trial (no cumulative sums by hand).
* Attributes: a, sigma, seed, the full parameter set as JSON, simcore version, the digest of the
  simulator's code (``simulator_digest``), git commit, the paper's DOI (``references``).

Both writers (``write_point``, h5netcdf directly, and ``write_netcdf``, xarray) give every variable
the same dtype and attributes, and follow one _FillValue policy: NaN marks a missing value in the
floating-point packet variables (``sigma_out``, ``t_out`` of a dead packet, ``FILL``); no other
variable has a _FillValue.

A file is first written in memory, then to a temporary name in the same directory, and renamed into
place when complete, so an interrupted run never leaves a file that looks complete, and a full disk
gives ``DiskFullError`` naming the file (never a crash inside HDF5).
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import warnings
from pathlib import Path

import numpy as np

from . import __version__
from .params import Params

FORMAT = "synfire-point/2"  # /2: a_out is float64 (background-corrected estimate)
ENCODING = {"zlib": True, "complevel": 4}
CONVENTIONS = "CF-1.8"
REFERENCES = (
    "Diesmann M, Gewaltig M-O, Aertsen A (1999) Stable propagation of synchronous spiking in cortical"
    " neural networks. Nature 402:529-533. doi:10.1038/990101"
)
# The _FillValue policy: NaN marks a missing value in these variables (a dead packet has no spread or
# time); no other variable has a _FillValue (every value of it is data).
FILL = {"sigma_out": np.nan, "t_out": np.nan}


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
    from .sources import simulator_digest

    a_out, sigma_out, t_out = packets
    counts = np.array([t.steps.size for t in trials], dtype=np.int32)
    steps = np.concatenate([t.steps for t in trials]) if trials else np.empty(0, np.int32)
    neurons = np.concatenate([t.neurons for t in trials]) if trials else np.empty(0, np.int32)
    inputs = np.stack([t.input_steps for t in trials]) if trials else np.empty((0, a), np.int32)
    dims = ("trial", "group")
    variables = {
        "a_out": (
            dims,
            np.asarray(a_out, np.float64),
            {"long_name": "spikes in the packet (simcore.packets estimate; 0: dead)", "units": "1"},
        ),
        "sigma_out": (dims, sigma_out, {"long_name": "temporal spread (sd) of the packet", "units": "ms"}),
        "t_out": (dims, t_out, {"long_name": "mean time of the packet", "units": "ms"}),
        "input_time": (
            ("trial", "input"),
            inputs * params.dt,
            {"long_name": "input packet spike times", "units": "ms"},
        ),
        "spike_count": (
            "trial",
            counts,
            {
                "long_name": "spikes per trial",
                "units": "1",
                "sample_dimension": "spike",
                "comment": "the spikes of trial k are rows sum(spike_count[:k]) ... of the spike dimension;"
                " simcore.dataset.spikes_frame(ds) gives every spike with its trial",
            },
        ),
        "spike_time": ("spike", steps * params.dt, {"long_name": "spike time", "units": "ms"}),
        "spike_group": (
            "spike",
            (neurons // params.group_size).astype(np.int16),
            {"long_name": "group of the spiking neuron", "units": "1"},
        ),
        "spike_neuron": (
            "spike",
            (neurons % params.group_size).astype(np.int16),
            {"long_name": "neuron index within its group", "units": "1"},
        ),
    }
    coords = {
        "trial": (
            "trial",
            np.asarray(list(trial_ids), dtype=np.int32),
            {"long_name": "trial index", "units": "1", "cf_role": "timeseries_id"},
        ),
        "group": (
            "group",
            np.arange(params.n_groups, dtype=np.int32),
            {"long_name": "group index along the chain (0 receives the input packet)", "units": "1"},
        ),
    }
    attrs = {
        "title": "synfire chain: packet propagation, one (a, sigma) point",
        "Conventions": CONVENTIONS,
        "featureType": "timeSeries",
        "references": REFERENCES,
        "source": f"simcore {__version__}",
        "format": FORMAT,
        "a": int(a),
        "sigma": float(sigma) + 0.0,
        "seed": int(seed),
        "params": params.to_json(),
        "simcore_version": __version__,
        "simulator_digest": simulator_digest(),
        "git_commit": git_commit(),
    }
    return variables, coords, attrs


def point_dataset(contents):
    """The xarray.Dataset of point_contents(...)."""
    import xarray as xr

    variables, coords, attrs = contents
    return xr.Dataset(variables, coords=coords, attrs=attrs)


def write_point(contents, path) -> Path:
    """Write point_contents(...) to NetCDF with h5netcdf directly (no xarray import: fast job start-up)."""
    import h5netcdf

    variables, coords, attrs = contents
    sizes = {}
    for dims, data, _ in list(coords.values()) + list(variables.values()):
        sizes.update(zip((dims,) if isinstance(dims, str) else dims, np.shape(data)))
    buffer = io.BytesIO()  # HDF5 writes to memory; only plain Python I/O meets the disk
    with h5netcdf.File(buffer, "w") as f:
        f.dimensions = sizes
        for name, (dims, data, var_attrs) in {**coords, **variables}.items():
            dims = (dims,) if isinstance(dims, str) else dims
            options = {"compression": "gzip", "compression_opts": 4} if np.size(data) and name in variables else {}
            if name in FILL:
                options["fillvalue"] = FILL[name]
            variable = f.create_variable(name, dims, data=np.asarray(data), **options)
            variable.attrs.update(var_attrs)
        f.attrs.update(attrs)
    return write_bytes(buffer.getbuffer(), path)


def run_dataset(params: Params, a: int, sigma: float, trials, seed: int, threads: int | None = None):
    """Simulate the trials of (a, sigma), extract the packets, return the Dataset."""
    return point_dataset(run_point(params, a, sigma, trials, seed, threads))


def run_point(params: Params, a: int, sigma: float, trials, seed: int, threads: int | None = None, progress=None):
    """Simulate and extract, as point_contents (for write_point without importing xarray);
    `progress()`, if given, is called as each trial finishes."""
    from .network import simulate_chain
    from .packets import extract_packets

    trial_ids = list(range(trials)) if isinstance(trials, int) else [int(t) for t in trials]
    spikes = simulate_chain(params, a, sigma, trial_ids, seed, threads, progress=progress)
    return point_contents(params, a, sigma, seed, trial_ids, spikes, extract_packets(spikes, params))


def holds(path, params: Params, a: int, sigma: float, trials, seed: int) -> bool:
    """Whether `path` is a complete point file of exactly this simulation: the same point, trials,
    seed, parameter set and simulator code (so simulating again would give the same bits). Reads
    the attributes and the trial coordinate only; a missing or unreadable file is simply not held."""
    import h5netcdf

    from .sources import simulator_digest

    try:
        with h5netcdf.File(path, "r") as f:
            attrs = dict(f.attrs)
            trial_ids = np.asarray(f.variables["trial"][:])
    except Exception:  # a missing, truncated or foreign file: not this simulation
        return False
    return (
        attrs.get("format") == FORMAT
        and attrs.get("simulator_digest") == simulator_digest()
        and attrs.get("params") == params.to_json()
        and int(attrs.get("seed", -1)) == int(seed)
        and int(attrs.get("a", -1)) == int(a)
        and float(attrs.get("sigma", -1.0)) == float(sigma)
        and np.array_equal(trial_ids, np.asarray(list(trials)))
    )


def write_netcdf(ds, path) -> Path:
    """Write `ds` to `path` atomically (in memory, then temporary file + rename), with the _FillValue
    policy of FILL (xarray would give every floating-point variable and coordinate one)."""
    encoding = {name: dict(ENCODING, _FillValue=FILL.get(name)) for name in ds.data_vars}
    encoding.update({name: {"_FillValue": None} for name in ds.coords})
    return write_bytes(ds.to_netcdf(engine="h5netcdf", encoding=encoding), path)


def write_bytes(data, path) -> Path:
    """Write `data` (bytes) to `path` atomically."""

    def write(tmp):
        with open(tmp, "wb") as f:
            f.write(data)

    return write_atomically(write, path)


class DiskFullError(OSError):
    """A write failed for lack of space (or quota); the message names the file."""

    def __init__(self, path):
        super().__init__(errno.ENOSPC, "no space left on device", str(path))

    def __str__(self):
        return f"no space left on device: could not write {self.filename} (free some space, then rerun)"


def is_disk_full(error: BaseException) -> bool:
    """Whether `error` says the disk (or the quota) is full, as OSError or as a C library's message."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "No space left on device" in str(error) or "Disk quota exceeded" in str(error)


def write_atomically(write, path) -> Path:
    """Run write(temporary path), then rename it to `path`; never leave a partial file at `path`.
    A full disk raises DiskFullError naming `path` (the partial temporary file is removed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*.part"):  # left by a killed earlier attempt
        stale.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        write(tmp)
        os.replace(tmp, path)
    except Exception as error:
        if is_disk_full(error):
            raise DiskFullError(path) from None
        raise
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


def trial_spikes(ds, trial: int):
    """Arrays (time [ms], group, neuron) of the spikes of one trial (by its index in ds.trial)."""
    position = np.flatnonzero(ds["trial"].values == trial)
    if position.size == 0:
        raise KeyError(f"trial {trial} is not in this file (it holds {ds['trial'].values.tolist()})")
    counts = ds["spike_count"].values.astype(np.int64)
    start = int(counts[: position[0]].sum())
    part = slice(start, start + int(counts[position[0]]))
    return ds["spike_time"].values[part], ds["spike_group"].values[part], ds["spike_neuron"].values[part]


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
