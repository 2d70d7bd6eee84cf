"""Pipeline throughput: `snakemake --cores N` against the same work done in one process.

For a config, from empty results and with warm caches (numba's compiled kernels, matplotlib's font
cache), each round times

* **pipeline**: `snakemake --cores N --configfile CONFIG` in an empty directory (every job a fresh
  process, Snakemake's scheduling included), wall time of the whole command;
* **in-process**: the same jobs, taken from Snakemake's own DAG of that config, executed one after
  the other in this one process: simulation jobs through `simcore.cli.main` with N threads, every
  other job by running its own rule script (runpy) with the job's input, output and params. Same
  code, same files, no process start-up, no scheduler.

and prints both, their ratio, the time per rule of the in-process run, the number of jobs, and the
machine and date. Rounds alternate (pipeline, in-process, pipeline, ...) so that a change in the
machine's load shows in both. Record results in docs/performance.md.

    python bench/pipeline.py                         # config/config.yaml, 2 cores, 2 rounds
    python bench/pipeline.py --config config/paper.yaml --rounds 1
"""

from __future__ import annotations

import argparse
import contextlib
import os
import runpy
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import SimpleNamespace

from machine import describe

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from workflow_dag import jobs_of  # noqa: E402  (tests/workflow_dag.py: Snakemake's DAG in-process)

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "workflow" / "scripts"


def environment() -> dict:
    """This interpreter's bin directory first on PATH (the workflow calls `simcore` from there)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_pipeline(config: Path, cores: int, workdir: Path) -> float:
    command = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "-d", str(workdir),
               "--configfile", str(config), "--cores", str(cores), "--quiet", "all"]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=environment())
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"pipeline failed:\n{done.stderr[-3000:]}")
    return elapsed


def run_in_process(jobs, cores: int, workdir: Path) -> dict[str, float]:
    """Execute `jobs` in this process, in `workdir`; seconds per rule."""
    from simcore.cli import main as simcore_main

    seconds = defaultdict(float)
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        for job in jobs:
            for path in job.output:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            for path in job.log:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            if job.shell:
                words = shlex.split(job.shell)
                words = words[1 : words.index(">")]  # simcore's arguments, without the log redirection
                words[words.index("--threads") + 1] = str(cores)
                if simcore_main(words) != 0:
                    raise SystemExit(f"{job.rule}: simcore {' '.join(words)} failed")
            else:
                stub = SimpleNamespace(
                    input=job.input, output=job.output, params=job.params, log=job.log,
                    wildcards=job.wildcards, threads=cores, scriptdir=str(SCRIPTS),
                )  # fmt: skip
                with contextlib.redirect_stdout(sys.stdout), contextlib.redirect_stderr(sys.stderr):
                    runpy.run_path(str(SCRIPTS / Path(job.script).name), init_globals={"snakemake": stub})
            seconds[job.rule] += time.perf_counter() - started
    finally:
        os.chdir(cwd)
    return dict(seconds)


def warm_up(config: Path) -> None:
    """Compile (or load) the kernels and build matplotlib's font cache before any timing."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "simcore", "run", "--a", "10", "--sigma", "0", "--trials", "1",
             "--set", "n_groups=2", "--set", "t_stop=30", "--quiet", "-o", f"{tmp}/warm.nc"],
            check=True, env=environment(),
        )  # fmt: skip
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot, seaborn"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config" / "config.yaml")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    config = args.config.resolve()
    sys.path.insert(0, str(SCRIPTS))  # the rule scripts import the workflow's package
    os.environ["SYNFIRE_THREADS"] = str(args.cores)
    os.environ["PATH"] = environment()["PATH"]  # the Snakefile checks that `simcore` is on PATH
    warm_up(config)
    print(f"# Pipeline throughput (bench/pipeline.py): {config.relative_to(ROOT)}, --cores {args.cores}\n")
    print(f"- {describe()}")
    pipeline_s, in_process_s, per_rule = [], [], None
    for round_ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            pipeline_s.append(run_pipeline(config, args.cores, Path(tmp)))
        with tempfile.TemporaryDirectory() as tmp:
            jobs = jobs_of(Path(tmp), config)
            with contextlib.redirect_stdout(open(os.devnull, "w")):
                per_rule = run_in_process(jobs, args.cores, Path(tmp))
            in_process_s.append(sum(per_rule.values()))
        print(
            f"- round {round_ + 1}: pipeline {pipeline_s[-1]:.1f} s, in-process {in_process_s[-1]:.1f} s, "
            f"ratio {pipeline_s[-1] / in_process_s[-1]:.2f}"
        )
    counts = Counter(job.rule for job in jobs)
    print(f"- jobs: {len(jobs)} ({', '.join(f'{rule} {n}' for rule, n in counts.most_common())})")
    print(f"- load after: {os.getloadavg()[0]:.2f}")
    best_pipeline, best_in_process = min(pipeline_s), min(in_process_s)
    print(
        f"\n**pipeline {best_pipeline:.1f} s, in-process {best_in_process:.1f} s: "
        f"{best_pipeline / best_in_process:.2f}x** (fastest round of each)\n"
    )
    print("In-process seconds by rule (last round):\n")
    for rule, seconds in sorted(per_rule.items(), key=lambda item: -item[1]):
        print(f"- {rule}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
