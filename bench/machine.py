"""The machine, the date and the load, for the line that every benchmark prints with its numbers."""

from __future__ import annotations

import datetime
import os
import subprocess


def cpu_model() -> str:
    """The CPU's model name from lscpu (e.g. "AMD EPYC 9B45"), or "unknown CPU"."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown CPU"
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return fields.get("Model name", "unknown CPU").strip()


def describe() -> str:
    """One line: date and time (UTC), CPU model, usable cores, and the 1-minute load average."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{now}; {cpu_model()}, {len(os.sched_getaffinity(0))} usable cores; load {os.getloadavg()[0]:.2f}"
