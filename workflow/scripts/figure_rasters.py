"""Fig. 1: spike rasters of chosen trials (config key rasters)."""

from diesmann1999.logs import to_log

to_log(snakemake)  # noqa: F821
from diesmann1999 import figures  # noqa: E402
from diesmann1999.files import chunk_trials, open_simulation  # noqa: E402

sm = snakemake  # noqa: F821
p = sm.params
points = []
for path, spec in zip(sm.input, p.rasters):
    label = f"{spec['label']}: " if spec["label"] else ""
    expected = chunk_trials(path, p.trials, p.trials_per_job)
    points.append(
        (label, open_simulation(path, params_json=p.model, trials=expected, simulator=p.simulator), spec["trial"])
    )
figures.rasters(points, sm.output.png)
