"""``python -m simcore``: the command line (simcore.cli) in a process of its own.

Every Snakemake job is such a process, so this entry point does two things a library must not do
to the process that imports it, for start-up and shutdown time (bench/throughput.py, "Per-job cost"):

- **numba without its BLAS probe.** numba's first compiled call imports ``numba.np.arraymath``,
  which imports ``scipy.linalg`` (about 0.2 s, a sixth of a short job) only to learn whether
  ``np.dot`` in jitted code may call BLAS. No kernel of simcore calls BLAS (simcore.linalg), so that
  import is made to fail at once: numba then compiles ``np.dot`` with its own loop, and nothing else
  changes. SciPy imports normally afterwards. ``SYNFIRE_NUMBA_BLAS=1`` keeps numba's probe.
- **gc.freeze() before exit**: the interpreter's final garbage collection of numba's objects
  costs about 0.3 s.
"""

import gc
import os
import sys


def _without_blas_probe() -> None:
    """Import numba.np.arraymath while ``scipy.linalg.cython_blas`` cannot be imported (a None entry
    in sys.modules fails the import before its parent packages load)."""
    if os.environ.get("SYNFIRE_NUMBA_BLAS") or "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    probe = "scipy.linalg.cython_blas"
    sys.modules[probe] = None
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        del sys.modules[probe]


_without_blas_probe()

from .cli import main  # noqa: E402

status = main(prog="python -m simcore")
gc.freeze()
sys.exit(status)
