"""A rule script's output goes to the rule's log file."""

import sys


def to_log(snakemake) -> None:
    """Send stdout and stderr of this script to the rule's log (the first `log:` file)."""
    if snakemake.log:
        handle = open(snakemake.log[0], "w", buffering=1)  # noqa: SIM115 - open until the script ends
        sys.stdout = sys.stderr = handle
