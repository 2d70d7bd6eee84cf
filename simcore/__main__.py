"""``python -m simcore``: the same as the ``simcore`` command (simcore.cli.script)."""

from .cli import script

script(prog="python -m simcore")
