"""Fig. 1: spike rasters of chosen trials (config key rasters)."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999 import figures  # noqa: E402
from diesmann1999.files import open_simulation  # noqa: E402

sm = snakemake  # noqa: F821
points = []
for path, spec in zip(sm.input, sm.params.rasters):
    label = f"{spec['label']}: " if spec["label"] else ""
    points.append((label, open_simulation(path, params_json=sm.params.model), spec["trial"]))
figures.rasters(points, sm.output.png)
