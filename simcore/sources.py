"""Digests of source folders, to key what must be redone when the code changes."""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def folder_digest(folder) -> str:
    """16 hex digits of SHA-256 over every .py file below `folder` (relative name and bytes, sorted)."""
    folder = Path(folder)
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        sha.update(path.relative_to(folder).as_posix().encode() + b"\0")
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def simulator_digest() -> str:
    """Digest of the whole simcore package: what a simulation's result can depend on."""
    return folder_digest(PACKAGE)
