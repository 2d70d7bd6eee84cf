"""JIT settings in one place, and numba's on-disk cache location.

Every Snakemake job is a fresh Python process, so compiled kernels must come from numba's cache.
The cache goes to a per-user directory outside the source tree (which may be read-only or shared
between machines with different CPUs on a cluster): ``$SYNFIRE_CACHE_DIR`` if set, else
``$NUMBA_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/synfire/numba`` (default ``~/.cache``).
numba keys every cache entry by signature and CPU, and writes entries atomically (temp file plus
rename), so one cache directory on a shared file system serves every node safely.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    explicit = os.environ.get("SYNFIRE_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "synfire" / "numba"


os.environ["NUMBA_CACHE_DIR"] = str(cache_dir())

import numba  # noqa: E402  (must follow the cache-directory setting)

numba.config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]

JIT_OPTIONS = dict(nogil=True, cache=True, fastmath=False, error_model="numpy")


def jit(function):
    """Compile a kernel with the project's flags (nopython, releases the GIL, cached)."""
    return numba.njit(**JIT_OPTIONS)(function)
