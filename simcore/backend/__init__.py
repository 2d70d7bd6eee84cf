"""The jitted code of simcore (numba), and its settings and on-disk cache in one place.

Every function compiled by numba lives in this subpackage: ``chain`` (the network's time-step
loop), ``draws`` (random numbers in blocks), ``flags`` (listing set flags), with the tables of
``ziggurat``. The rest of simcore validates, allocates and calls them with keyword arguments.

Every Snakemake job is a fresh Python process, so compiled kernels must come from numba's cache.
The cache goes to a per-user directory outside the source tree (which may be read-only or shared
between machines with different CPUs on a cluster): ``$SYNFIRE_CACHE_DIR`` if set, else
``$NUMBA_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/synfire/numba`` (default ``~/.cache``).
numba keys every cache entry by signature and CPU, and writes entries atomically (temp file plus
rename), so one cache directory on a shared file system serves every node safely.

numba checks a cached kernel only against the file that defines it, not against the functions and
tables it compiled in from other modules: after an edit of simcore/draws.py alone, the cached
``chain._run`` would still run the old draws. So the cache lives in a subdirectory named by a
digest of this folder, and any change to a file in it starts a fresh cache.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..sources import folder_digest

FOLDER = Path(__file__).resolve().parent


def kernel_digest() -> str:
    """Digest of the sources compiled into the kernels (every file of this folder)."""
    return folder_digest(FOLDER)


# The kernels' vector width (simcore.backend.intrinsics.wide_vectors): 512 unless SYNFIRE_VECTOR_BITS=256.
VECTOR_BITS = os.environ.get("SYNFIRE_VECTOR_BITS") or "512"
if VECTOR_BITS not in ("256", "512"):
    raise ValueError(f"SYNFIRE_VECTOR_BITS must be 256 or 512, got {VECTOR_BITS!r}; unset it for 512")


def cache_dir() -> Path:
    """The numba cache of these sources; VECTOR_BITS = 256 gets its own, as numba's cache does not
    key entries by it."""
    name = kernel_digest() + ("-256" if VECTOR_BITS == "256" else "")
    explicit = os.environ.get("SYNFIRE_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR")
    if explicit:
        return Path(explicit) / name
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "synfire" / "numba" / name


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


import numba  # noqa: E402

CACHE_DIR = cache_dir()
# An unwritable cache directory would make numba fall back to caches beside the sources, which are
# not keyed by the digest (the stale-kernel risk above): compile without a cache instead.
CACHING = _writable(CACHE_DIR)
if CACHING:
    # numba reads the setting when each kernel is decorated, so this must precede every @jit. The
    # environment is left alone: child processes derive the same directory from the same variables.
    numba.config.CACHE_DIR = str(CACHE_DIR)
else:
    import warnings

    warnings.warn(
        f"simcore: the numba cache directory {CACHE_DIR} is not writable; compiling without a cache"
        " (every process compiles again, ~10 s). Set SYNFIRE_CACHE_DIR to a writable directory.",
        RuntimeWarning,
        stacklevel=2,
    )


def skip_blas_probe() -> None:
    """For a process of simcore's own (the ``simcore`` command and ``python -m simcore``, through
    simcore.cli.script): let numba's first compiled call skip its BLAS probe. numba.np.arraymath imports ``scipy.linalg`` (about 0.2 s, a sixth of a short
    job) only to learn whether ``np.dot`` in jitted code may call BLAS; no kernel here does. So it is
    imported now with ``scipy.linalg.cython_blas`` unimportable (a None entry in sys.modules fails
    the import before its parent packages load): numba compiles ``np.dot`` with its own loop, and
    SciPy imports normally afterwards. Not done on import: another numba user in the process may
    want BLAS. ``SYNFIRE_NUMBA_BLAS=1`` keeps the probe."""
    if (
        os.environ.get("SYNFIRE_NUMBA_BLAS") == "1"
        or "numba.np.arraymath" in sys.modules
        or "scipy.linalg" in sys.modules
    ):
        return
    probe = "scipy.linalg.cython_blas"
    sys.modules[probe] = None
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        del sys.modules[probe]


JIT_OPTIONS = dict(nogil=True, cache=CACHING, fastmath=False, error_model="numpy")


def jit(function):
    """Compile a kernel with the project's flags (nopython, releases the GIL, cached)."""
    return numba.njit(**JIT_OPTIONS)(function)
