"""The conventions table: kernel, peak, area, weight for the target PSP, PSP of the seeds' weight."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999.files import write_csv  # noqa: E402
from diesmann1999.normalization import conventions_table  # noqa: E402
from simcore.params import Params  # noqa: E402

sm = snakemake  # noqa: F821
model = Params.from_json(sm.params.model)
write_csv(conventions_table(model, sm.params.target_psp_mv, model.w), sm.output[0])
