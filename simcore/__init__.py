"""simcore: an exact, fast, reproducible simulator of the Diesmann-Gewaltig-Aertsen (1999) synfire chain.

Import what you need from the submodules (kept light so that a workflow job starts fast):
``simcore.params.Params``, ``simcore.network.simulate_chain``, ``simcore.packets.extract_packets``,
``simcore.dataset.run_dataset``, ``simcore.psp.psp``, ``simcore.background.background_stats``.
"""

import os as _os

__version__ = "0.1.0"

# HDF5's file locks fail on many network file systems (NFS, Lustre); synfire never shares a file
# while writing it (temporary file + rename), so locking is off unless the user set it.
_os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")
