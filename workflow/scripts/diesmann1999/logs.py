"""A rule script's output goes to the rule's log file; an error ends it with one clear line.

An uncaught error writes its traceback to the log and one line to the job's own stderr (which
Snakemake shows), so the reason is seen even when the log cannot be written. A full disk is said as
such ("no space left on device", with the file), never as a traceback that the full disk swallows
(Python's exit status 120 with an empty log).
"""

import contextlib
import sys
import traceback

from simcore.dataset import is_disk_full


def summary(error: BaseException, outputs=()) -> str:
    """One line for `error`: a full disk names the file (or the job's outputs), others type and message."""
    if is_disk_full(error):
        where = getattr(error, "filename", None) or ", ".join(map(str, outputs)) or "an output file"
        return f"no space left on device: could not write {where} (free some space, then rerun)"
    return " ".join(f"{type(error).__name__}: {error}".split())


def to_log(snakemake) -> None:
    """Send stdout and stderr of this script to the rule's log (the first `log:` file)."""
    if not snakemake.log:
        return
    console = sys.stderr
    log = str(snakemake.log[0])
    handle = open(log, "w", buffering=1)  # noqa: SIM115 - open until the script ends
    sys.stdout = sys.stderr = handle
    outputs = list(snakemake.output)
    rule = getattr(snakemake, "rule", "job")

    def report(kind, error, trace):
        line = summary(error, outputs)
        text = line + "\n" if is_disk_full(error) else "".join(traceback.format_exception(kind, error, trace))
        try:
            handle.write(text)
            handle.flush()
            where = f" (log: {log})"
        except OSError:
            where = f" (the log {log} could not be written either)"
        with contextlib.suppress(OSError):  # a closing flush that fails on a full disk still closes
            handle.close()
        sys.stdout = sys.stderr = console
        console.write(f"{rule}: error: {line}{where}\n")
        console.flush()

    sys.excepthook = report
