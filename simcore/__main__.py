"""``python -m simcore``: the command line (simcore.cli) in a process of its own.

Every Snakemake job is such a process, so this entry point does two things a library must not do
to the process that imports it, for start-up and shutdown time (bench/throughput.py, "Per-job cost"):
numba skips its BLAS probe, an import of scipy.linalg (0.2 s; simcore.backend.skip_blas_probe,
``SYNFIRE_NUMBA_BLAS=1`` keeps it), and gc.freeze() spares the interpreter's final garbage
collection of numba's objects (0.3 s).
"""

import gc
import sys

from .backend import skip_blas_probe

skip_blas_probe()

from .cli import main  # noqa: E402

status = main(prog="python -m simcore")
gc.freeze()
sys.exit(status)
