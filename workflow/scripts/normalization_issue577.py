"""BrainPy issue #577: each convention's ODE against the convolution with (t/tau) exp(-t/tau)."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999 import figures, normalization  # noqa: E402
from diesmann1999.files import write_csv  # noqa: E402

sm = snakemake  # noqa: F821
table, traces = normalization.issue_577(tau=sm.params.tau_ms)
write_csv(table, sm.output.table)
figures.normalization_issue577(table, traces, sm.output.figure)
