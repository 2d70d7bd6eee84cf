"""Small file systems for the tests of full and read-only disks: a tmpfs mounted on a folder (needs
root, as in CI; elsewhere the tests that use it skip, except under CI where they fail)."""

import contextlib
import os
import subprocess

import pytest


def _needs_root(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI runs as root)")
    pytest.skip(reason)


@contextlib.contextmanager
def tmpfs(folder, size: str = "256k", read_only: bool = False):
    """Mount a tmpfs of `size` on `folder` (created if missing) for the duration of the block."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        _needs_root("mounting a small file system needs root")
    options = f"size={size},mode=1777" + (",ro" if read_only else "")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if result.returncode != 0:
        _needs_root(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder) -> None:
    """Fill the file system of `folder` to the last byte."""
    with open(folder / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
        with contextlib.suppress(OSError):  # the last partial page
            while f.write(b"\0"):
                pass
