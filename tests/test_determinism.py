"""Same seed, same data: whatever the threads or the chunking of trials; NetCDF round-trips."""

from pathlib import Path

import numpy as np
import pytest

from simcore.dataset import open_point, run_dataset, write_netcdf
from simcore.params import Params

PARAMS = Params(t_stop=60.0, n_groups=6)


def _same(ds1, ds2):
    for name in (
        "a_out",
        "sigma_out",
        "t_out",
        "spike_time",
        "spike_group",
        "spike_neuron",
        "spike_count",
        "input_time",
    ):
        np.testing.assert_array_equal(ds1[name].values, ds2[name].values, err_msg=name)


def test_threads_and_chunks_do_not_change_results():
    whole_1 = run_dataset(PARAMS, 60, 1.0, range(6), seed=11, threads=1)
    whole_2 = run_dataset(PARAMS, 60, 1.0, range(6), seed=11, threads=2)
    _same(whole_1, whole_2)
    first = run_dataset(PARAMS, 60, 1.0, range(0, 2), seed=11, threads=2)
    second = run_dataset(PARAMS, 60, 1.0, range(2, 6), seed=11, threads=1)
    for name in ("a_out", "sigma_out", "t_out", "spike_count", "input_time", "spike_time", "spike_neuron"):
        joined = np.concatenate([first[name].values, second[name].values])
        np.testing.assert_array_equal(joined, whole_1[name].values, err_msg=name)


def test_different_seeds_differ():
    one = run_dataset(PARAMS, 60, 1.0, 2, seed=1, threads=1)
    two = run_dataset(PARAMS, 60, 1.0, 2, seed=2, threads=1)
    assert not np.array_equal(one.spike_time.values[:50], two.spike_time.values[:50])


def test_spike_overflow_replays_identically():
    # a runaway network (huge weight, peak kernel) emits far more spikes than the first buffer holds
    params = Params(t_stop=40.0, n_groups=3, normalization="peak_normalized", w=30.0, mu=40.0)
    ds = run_dataset(params, 50, 0.5, 2, seed=3, threads=1)
    assert ds.sizes["spike"] > 3 * 300 * 2 + int(300 * 40 * 0.05) * 2
    again = run_dataset(params, 50, 0.5, 2, seed=3, threads=2)
    _same(ds, again)


def test_netcdf_round_trip(tmp_path):
    ds = run_dataset(PARAMS, 60, 1.0, 3, seed=5)
    path = write_netcdf(ds, tmp_path / "point.nc")
    back = open_point(path)
    _same(ds, back)
    assert back.attrs["params"] == ds.attrs["params"]
    assert back.attrs["seed"] == 5 and back.attrs["a"] == 60 and back.attrs["sigma"] == 1.0
    assert back["spike_count"].attrs["sample_dimension"] == "spike"
    assert int(back["spike_count"].sum()) == back.sizes["spike"]
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left
    from simcore.dataset import params_of, spikes_frame

    assert params_of(back) == PARAMS
    frame = spikes_frame(back)
    assert (
        len(frame) == back.sizes["spike"] and frame.groupby("trial").size().tolist() == back.spike_count.values.tolist()
    )


@pytest.mark.parametrize("content", [b"", b"\x89HDF\r\n\x1a\n" + b"\0" * 100, b"not netcdf at all"])
def test_corrupt_files_are_reported(tmp_path, content):
    from simcore.dataset import CorruptFileError

    path = tmp_path / "bad.nc"
    path.write_bytes(content)
    with pytest.raises(CorruptFileError, match="bad.nc"):
        open_point(path)


def test_truncated_file_is_reported(tmp_path):
    from simcore.dataset import CorruptFileError

    path = write_netcdf(run_dataset(PARAMS, 60, 1.0, 2, seed=5), tmp_path / "p.nc")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError):
        open_point(path)


def _raw(path):
    """Every variable's dtype and attributes (including _FillValue) and the global attributes, as stored."""
    import h5netcdf

    with h5netcdf.File(path, "r") as f:
        variables = {name: (str(v.dtype), dict(v.attrs)) for name, v in f.variables.items()}
        return variables, dict(f.attrs)


def test_fast_writer_matches_xarray(tmp_path):
    from simcore.dataset import point_dataset, run_point, write_point

    contents = run_point(PARAMS, 40, 0.0, 2, seed=9)
    back = open_point(write_point(contents, tmp_path / "fast.nc"))
    ds = point_dataset(contents)
    _same(ds, back)
    assert back.attrs == ds.attrs
    # The same dtypes, attributes and _FillValue policy as stored by either writer (issue 13).
    fast, slow = _raw(tmp_path / "fast.nc"), _raw(write_netcdf(ds, tmp_path / "xarray.nc"))
    for name, (dtype, attrs) in slow[0].items():
        attrs = {k: v for k, v in attrs.items() if k not in ("_Netcdf4Dimid", "_Netcdf4Coordinates")}
        fast_attrs = {k: v for k, v in fast[0][name][1].items() if k not in ("_Netcdf4Dimid", "_Netcdf4Coordinates")}
        assert fast[0][name][0] == dtype, name
        assert str(fast_attrs) == str(attrs), name  # str: NaN == NaN
    assert fast[0].keys() == slow[0].keys()
    fill = {name for name, (_, attrs) in fast[0].items() if "_FillValue" in attrs}
    assert fill == {"sigma_out", "t_out"}
    assert fast[0]["spike_count"][0] == "int32"
    empty = open_point(write_point(run_point(PARAMS, 0, 0.0, 1, seed=9), tmp_path / "empty.nc"))
    assert empty.sizes["input"] == 0 and (empty.a_out.values == 0).all()


def test_every_jitted_function_lives_in_the_backend_and_keys_the_cache(tmp_path):
    """numba revalidates a cached kernel against its own file only, so the cache directory carries a
    digest of the folder that holds every jitted function (simcore/backend): any edit there, in any
    file, starts a fresh cache."""
    import shutil
    from pathlib import Path

    import numba

    from simcore import backend
    from simcore.sources import folder_digest

    package = Path(backend.__file__).parent.parent
    outside = [
        p.name for p in package.glob("*.py") if any(s in p.read_text() for s in ("@jit", "import numba", "from numba"))
    ]
    assert outside == [], "jitted code belongs in simcore/backend"
    assert Path(numba.config.CACHE_DIR).name == backend.kernel_digest() == folder_digest(backend.FOLDER)
    copy = shutil.copytree(backend.FOLDER, tmp_path / "backend", ignore=shutil.ignore_patterns("__pycache__"))
    assert folder_digest(copy) == backend.kernel_digest()
    (copy / "ziggurat.py").write_text((copy / "ziggurat.py").read_text() + "\n# edit\n")
    assert folder_digest(copy) != backend.kernel_digest()


@pytest.mark.parametrize("writable", [True, False], ids=["writable", "unwritable"])
def test_unwritable_kernel_cache_warns_once_and_compiles_without_a_cache(tmp_path, writable):
    """(issue 13) numba falls back to caches beside the sources, which the kernel digest does not
    key, when the cache directory is unwritable: simcore warns once and caches nothing instead."""
    import os
    import subprocess
    import sys

    code = (
        "from numba.core.registry import CPUDispatcher\n"
        "from simcore.backend import chain, draws, flags\n"
        "import simcore.network, simcore.dataset, simcore.background\n"
        "kernels = [f for m in (chain, draws, flags) for f in vars(m).values() if isinstance(f, CPUDispatcher)]\n"
        "print(len(kernels), sorted({type(f._cache).__name__ for f in kernels}))\n"
    )
    cache = tmp_path / "cache" if writable else Path(os.devnull) / "cache"  # under a file: never writable
    env = dict(os.environ, SYNFIRE_CACHE_DIR=str(cache), PYTHONWARNINGS="default")
    env.pop("NUMBA_CACHE_DIR", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    count, kinds = result.stdout.split(" ", 1)
    assert int(count) >= 3
    if writable:
        assert kinds.strip() == "['FunctionCache']" and result.stderr == ""
    else:
        assert kinds.strip() == "['NullCache']", "an unwritable cache must mean no cache, not numba's fallback"
        assert result.stderr.count("is not writable; compiling without a cache") == 1, result.stderr
