"""JIT settings in one place, and numba's on-disk cache location.

Every Snakemake job is a fresh Python process, so compiled kernels must come from numba's cache.
The cache goes to a per-user directory outside the source tree (which may be read-only or shared
between machines with different CPUs on a cluster): ``$SYNFIRE_CACHE_DIR`` if set, else
``$NUMBA_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/synfire/numba`` (default ``~/.cache``).
numba keys every cache entry by signature and CPU, and writes entries atomically (temp file plus
rename), so one cache directory on a shared file system serves every node safely.

numba checks a cached kernel only against the file that defines it, not against the functions and
tables it compiled in from other modules: after an edit of simcore/draws.py alone, the cached
``network._run`` would still run the old draws. So the cache lives in a subdirectory named by a
digest of every module with jitted code (KERNEL_MODULES; a test keeps the list complete), and any
change to them starts a fresh cache.
"""

from __future__ import annotations

import os
from pathlib import Path

from .sources import digest

KERNEL_MODULES = ("_jit.py", "ziggurat.py", "flags.py", "draws.py", "network.py")


def kernel_digest() -> str:
    """Digest of the sources compiled into the kernels."""
    return digest(KERNEL_MODULES)


def cache_dir() -> Path:
    explicit = os.environ.get("SYNFIRE_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR")
    if explicit:
        return Path(explicit) / kernel_digest()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "synfire" / "numba" / kernel_digest()


import numba  # noqa: E402

# numba reads the setting when each kernel is decorated, so this must precede every @jit. The
# environment is left alone: child processes derive the same directory from the same variables.
numba.config.CACHE_DIR = str(cache_dir())

JIT_OPTIONS = dict(nogil=True, cache=True, fastmath=False, error_model="numpy")


def jit(function):
    """Compile a kernel with the project's flags (nopython, releases the GIL, cached)."""
    return numba.njit(**JIT_OPTIONS)(function)
