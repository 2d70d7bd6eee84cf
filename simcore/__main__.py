import gc
import sys

from .cli import main

status = main(prog="python -m simcore")
gc.freeze()  # the interpreter's final garbage collection of numba's objects costs ~0.3 s per job
sys.exit(status)
