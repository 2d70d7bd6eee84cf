"""Send a script's stdout and stderr to the rule's log file."""
import sys


def to_log(snakemake):
    if snakemake.log:
        handle = open(snakemake.log[0], "w")
        sys.stdout = sys.stderr = handle
