"""simcore: an exact, fast, reproducible simulator of the Diesmann-Gewaltig-Aertsen (1999) synfire chain.

Import what you need from the submodules (kept light so that a workflow job starts fast):
``simcore.params.Params``, ``simcore.network.simulate_chain``, ``simcore.packets.extract_packets``,
``simcore.dataset.run_dataset``, ``simcore.psp.psp``, ``simcore.background.background_stats``.
"""

__version__ = "0.1.0"
