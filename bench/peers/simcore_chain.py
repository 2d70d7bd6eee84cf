"""simcore runner for the speed measurements (run by the project venv, same protocol as the peers).

Speed tasks only: the accuracy numbers of simcore come from peers.py itself (run_dataset, psp and
background_stats), but first-run times need a fresh process like every peer gets.

Task kinds:
* chain: simulate_chain(params, a, sigma, [trial], seed, threads=1) once per trial, timed per
  trial (trial 0 of a fresh process includes loading -- or, with an empty SYNFIRE_CACHE_DIR,
  compiling -- the numba kernel).
* chain_batch: one simulate_chain call over `trials` trials with `threads` threads (None = all
  CPUs), timed as a whole (per-trial time = total / trials); optional "set": parameter overrides
  for this task (e.g. {"integrator": "euler"}).
* sweep: run_dataset per (a, sigma) point, `trials` trials each, default threads (as
  `python -m simcore run` does), timed per point.
"""

from __future__ import annotations

import time

import _common as C

from simcore.network import simulate_chain  # noqa: E402
from simcore.params import Params  # noqa: E402

T_IMPORTED = time.time()


def params_of(options: dict) -> Params:
    return Params().with_overrides(options.get("set", {}))


def main() -> None:
    job = C.read_job()
    params = params_of(job.get("options", {}))
    results = []
    for task in job["tasks"]:
        kind = task["kind"]
        t0 = time.perf_counter()
        if kind == "chain":
            trials = []
            for trial in range(int(task["trials"])):
                ts = time.perf_counter()
                out = simulate_chain(
                    params, int(task["a"]), float(task["sigma"]), [trial], int(task["seed"]), threads=1
                )
                trials.append(
                    {"wall_s": time.perf_counter() - ts, "t_end": time.time(), "n_spikes": int(out[0].steps.size)}
                )
            r = {"a": task["a"], "sigma": task["sigma"], "trials": trials}
        elif kind == "chain_batch":
            threads = task.get("threads")
            batch_params = params.with_overrides(task.get("set", {}))
            simulate_chain(
                batch_params, int(task["a"]), float(task["sigma"]), 1, int(task["seed"]) + 1, threads=threads
            )
            ts = time.perf_counter()
            out = simulate_chain(
                batch_params,
                int(task["a"]),
                float(task["sigma"]),
                int(task["trials"]),
                int(task["seed"]),
                threads=threads,
            )
            total = time.perf_counter() - ts
            r = {
                "a": task["a"],
                "sigma": task["sigma"],
                "set": task.get("set", {}),
                "threads": threads,
                "trials_n": len(out),
                "total_s": total,
                "per_trial_s": total / len(out),
            }
        elif kind == "sweep":
            from simcore.dataset import run_dataset

            points = []
            for a, sigma in task["points"]:
                ds = run_dataset(
                    params, int(a), float(sigma), int(task["trials"]), int(task["seed"]), threads=task.get("threads")
                )
                points.append(
                    {
                        "a": a,
                        "sigma": sigma,
                        "t_done": time.time(),
                        "survived": int((ds.a_out.isel(group=-1) >= 50).sum()),
                    }
                )
            r = {"points": points}
        else:
            raise ValueError(f"unknown task kind {kind!r}")
        results.append(C.finish_task(r, task, t0))
    import numba
    import numpy as np

    import simcore

    versions = {"simcore": simcore.__version__, "numba": numba.__version__, "numpy": np.__version__}
    C.write_results("simcore", versions, T_IMPORTED, results)


if __name__ == "__main__":
    main()
