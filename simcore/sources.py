"""Digests of simcore's own source files, to key what must be redone when the code changes."""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def digest(modules) -> str:
    """16 hex digits of SHA-256 over the named module files of simcore, in order."""
    sha = hashlib.sha256()
    for name in modules:
        sha.update((PACKAGE / name).read_bytes())
    return sha.hexdigest()[:16]
