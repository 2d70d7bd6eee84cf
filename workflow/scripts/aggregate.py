"""Stack the simulation files of one variant into results/.../packets.nc (a_in, sigma_in, trial, group)."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999.files import aggregate  # noqa: E402
from simcore.dataset import write_netcdf  # noqa: E402

sm = snakemake  # noqa: F821
write_netcdf(aggregate(list(sm.input), **sm.params.variant, simulator=sm.params.simulator), sm.output[0])
