"""Throughput of the synfire chain kernel: `make bench` (= `.venv/bin/python bench/throughput.py`).

One run (about 2.5 minutes on 2 cores) prints a Markdown report:

1. machine: CPU, cores, RAM, versions, date, git commit, load (`uptime`);
2. before and after: the draws and the kernel of an earlier commit (`--baseline REV`, default
   a550e67, the last before the draws of issue 14), imported from git under another name, against
   this tree's, interleaved round by round in this one process: ns per normal in the kernel's
   blocks, ms per trial in four modes, and the speed-up of each round;
3. warm ms per trial of the default chain (10 x 100 neurons, 100 ms at dt 0.1 ms, a = 100, sigma = 0.5)
   through `simcore.network.simulate_chain` for exact + diffusion (default), euler + diffusion,
   exact + poisson and no background at all, on 1 and on 2 threads; ns per neuron-step; the roofline
   (only the random draws a trial needs, made by the kernel's own draw functions in its blocks) and,
   for comparison, the same numbers drawn one call each through numba's numpy Generator methods;
   kernel / roofline against 1.3x and ms per trial per core against 5 ms;
   then the default trial taken apart (draws alone, the kernel call, the kernel call without noise,
   the Python set-up, the whole trial; `--breakdown` runs this part alone, in seconds);
4. per-job costs of fresh processes (`python -m simcore run ...`, imports) and where the start-up goes;
5. a 10-point x 20-trial sweep run the way users run it: one `python -m simcore run` per point.

Every timing is repeated (median reported), candidates interleaved round by round so that a change
of the machine's load hits them alike; every row also gives how many cores other processes kept busy
meanwhile (/proc/stat minus this process and its children), to recognise disturbed numbers.

`bench/throughput.py --phases` (used by section 3) times the phases of one fresh process.
"""

from __future__ import annotations

import time

_T0, _W0 = time.perf_counter(), time.time()  # --phases: the imports below are timed
import importlib  # noqa: E401,E402
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

_T_NUMPY = time.perf_counter()
import numba  # noqa: E402

import simcore.backend  # noqa: E402,F401  (sets numba's cache directory, then imports numba)

_T_NUMBA = time.perf_counter()
import simcore.network as net  # noqa: E402
from simcore.backend import draws  # noqa: E402
from simcore.params import Params  # noqa: E402

_T_SIMCORE = time.perf_counter()

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
A, SIGMA, SEED = 100, 0.5, 1
BATCH = 20  # trials per timed simulate_chain call
REPEATS = 7  # timed rounds (chain batches, process runs); the median is reported
ROOF_TRIALS = 4  # roofline: trial-equivalents of draws per thread and round
SWEEP_REPEATS = 3
SWEEP_A = range(40, 90, 5)  # 10 points, sigma 1.0 ms, 20 trials each
TARGET_RATIO, TARGET_MS = 1.3, 5.0
BASELINE = "a550e67"  # --baseline: the last commit before the draws of issue 14
THREADS = (1, 2)
NCPU = os.cpu_count() or 1
MODES = {
    "exact + diffusion (default)": Params(),
    "euler + diffusion": Params(integrator="euler"),
    "exact + poisson": Params(background="poisson"),
    "no noise (background=none)": Params(background="none"),
}


# ---- the roofline: only the draws of one trial, made as _run makes them (same blocks, same functions) ----
@numba.njit(nogil=True, cache=True)
def roofline_draws(state, n_blocks, block, uniforms, kick_values, cdf, guide):
    words, flags, flag_words, pending = draws.scratch(max(block.size, uniforms.size))
    total = 0.0  # summed so that nothing is optimized away
    for _ in range(n_blocks):
        if block.size:
            draws._fill_normals(state, block, words, flags, flag_words, pending)
            total += block[0]
        if cdf.size > 1:
            draws._fill_uniforms(state, uniforms, words)
            for i in range(uniforms.size):
                total += kick_values[draws._invert(cdf, guide, uniforms[i])]
    return total


# ---- for comparison: the same numbers through numba's numpy.random.Generator methods, one call each ----
@numba.njit(nogil=True, cache=True)
def generator_draws(rng, n, n_normals, cdf):
    total = 0.0
    for _ in range(n):
        if n_normals == 3:
            total += rng.standard_normal() + rng.standard_normal() + rng.standard_normal()
        elif n_normals == 1:
            total += rng.standard_normal()
        if cdf.size > 1:
            total += np.searchsorted(cdf, rng.random(), side="right")
    return total


@numba.njit(cache=True)
def _noop(x):  # for --phases: the first dispatch of any cached function initialises numba's CPU target
    return x + 1


# ---- timing with a record of other processes' CPU use -------------------------------------------------
def _busy_seconds() -> float:
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")  # all but idle, iowait


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Timing:
    """Repeated calls: wall and process-CPU seconds, and cores kept busy by other processes meanwhile."""

    def __init__(self):
        self.wall, self.cpu, self._span = [], [], [0.0, 0.0]

    def measure(self, function):
        b, o, c, t = _busy_seconds(), _own_seconds(), time.process_time(), time.perf_counter()
        function()
        wall = time.perf_counter() - t
        self.wall.append(wall)
        self.cpu.append(time.process_time() - c)
        self._span[0] += wall
        self._span[1] += max(0.0, (_busy_seconds() - b) - (_own_seconds() - o))

    def median(self, what="wall"):
        return statistics.median(getattr(self, what))

    @property
    def other_cores(self) -> float:
        return self._span[1] / self._span[0] if self._span[0] else 0.0


def interleaved(functions: dict, repeats=REPEATS) -> dict:
    """One untimed call of each (compile / cache load / warm-up), then `repeats` rounds of all."""
    for function in functions.values():
        function()
    timings = {name: Timing() for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            timings[name].measure(function)
    return timings


def sh(*cmd) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


# ---- an earlier commit's simcore, importable beside this one ---------------------------------------------
def load_revision(rev: str):
    """The `simcore` package of git revision `rev`, imported as `simcore_<rev>` (simcore imports itself
    only relatively), so that its kernel runs in this process beside this tree's. Its backend picks its
    own numba cache directory (a digest of its folder); the setting is restored for this tree's code."""
    name = f"simcore_{rev}"
    folder = Path(tempfile.mkdtemp(prefix="synfire-bench-"))
    archive = subprocess.run(["git", "archive", rev, "simcore"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "simcore").rename(folder / name)
    cache = numba.config.CACHE_DIR
    sys.path.insert(0, str(folder))
    try:
        return {sub: importlib.import_module(f"{name}.{sub}") for sub in ("backend.draws", "network", "params")}
    finally:
        sys.path.remove(str(folder))
        numba.config.CACHE_DIR = cache


def normals_roofline(draws_module):
    """A jitted loop of n_blocks blocks of normals made by `draws_module._fill_normals` (uncached: a
    closure over the module)."""

    @numba.njit(nogil=True)
    def run(state, n_blocks, block):
        words, flags, flag_words, pending = draws_module.scratch(block.size)
        total = 0.0
        for _ in range(n_blocks):
            draws_module._fill_normals(state, block, words, flags, flag_words, pending)
            total += block[0]
        return total

    return run


# ---- sections -----------------------------------------------------------------------------------------
def header():
    lscpu = dict(line.split(":", 1) for line in sh("lscpu").splitlines() if ":" in line)
    cpu = ", ".join(
        f"{k.strip()} {lscpu[k].strip()}"
        for k in (
            "Model name",
            "CPU family",
            "Model",
            "Thread(s) per core",
            "L2 cache",
            "L3 cache",
            "Hypervisor vendor",
        )
        if k in lscpu
    )
    with open("/proc/meminfo") as f:
        ram = int(f.readline().split()[1]) / 2**20
    dirty = sh("git", "status", "--porcelain", "--untracked-files=no", "--", "simcore")
    print("# synfire kernel throughput (bench/throughput.py)\n")
    print(f"- date: {sh('date')}")
    print(f"- load at start (`uptime`): {sh('uptime')}")
    print(f"- CPU: {cpu}")
    print(
        f"- cores: nproc {sh('nproc')}, os.cpu_count() {NCPU}, usable {len(os.sched_getaffinity(0))}; RAM {ram:.1f} GiB"
    )
    from llvmlite import binding

    from simcore.backend import intrinsics

    avx512 = bool(binding.get_host_cpu_features().get("avx512f"))
    print(
        f"- vector width of this tree's kernels: {intrinsics.VECTOR_BITS if avx512 else 256} bits (AVX-512F"
        f" {'present' if avx512 else 'absent'}; SYNFIRE_VECTOR_BITS={os.environ.get('SYNFIRE_VECTOR_BITS', 'unset')})"
    )
    print(
        f"- python {platform.python_version()}, numba {numba.__version__}, numpy {np.__version__}; "
        f"git {sh('git', 'rev-parse', '--short', 'HEAD')}{' + uncommitted changes in simcore/' if dirty else ''}\n"
    )


def section_before_after(rev: str) -> dict:
    """The draws and the kernel of `rev` against this tree's, interleaved round by round."""
    old = load_revision(rev)
    trees = {rev: (old["backend.draws"], old["network"], old["params"].Params), "this tree": (draws, net, Params)}
    normals = 3_000_000  # per timed call: one exact trial's normals
    functions = {}
    for label, (draws_module, network, params_class) in trees.items():
        roofline = normals_roofline(draws_module)
        dtype = draws_module.standard_normal(draws_module.new_state(np.random.SeedSequence(0)), 2).dtype
        for block_size, what in ((3000, "exact block"), (1000, "euler block")):
            block = np.zeros(block_size, dtype=dtype)
            functions[label, f"normals, {what} ({block_size})"] = (
                lambda roofline=roofline, dm=draws_module, block=block: roofline(
                    dm.new_state(np.random.SeedSequence(1)), normals // block.size, block
                )
            )
        for mode, overrides in (
            ("exact + diffusion (default)", {}),
            ("euler + diffusion", {"integrator": "euler"}),
            ("exact + poisson", {"background": "poisson"}),
            ("no noise", {"background": "none"}),
        ):
            params = params_class(**overrides)
            functions[label, f"chain, {mode}"] = lambda network=network, params=params: network.simulate_chain(
                params, A, SIGMA, BATCH, SEED, threads=1
            )
    timings = interleaved(functions)
    print(
        f"## Before and after: the draws and kernel of `{rev}` against this tree (interleaved, 1 thread,"
        f" median of {REPEATS} rounds)\n"
    )
    print(
        f"| quantity | `{rev}`, wall | this tree, wall | speed-up, wall: median of the rounds' ratios [range]"
        f" | `{rev}`, CPU | this tree, CPU | speed-up, CPU [range] | fastest rounds, CPU: `{rev}` / this tree"
        " | other load, cores |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    results = {}
    for (label, quantity), before in timings.items():
        if label != rev:
            continue
        after = timings["this tree", quantity]
        unit, scale = ("ns/normal", 1e9 / normals) if quantity.startswith("normals") else ("ms/trial", 1e3 / BATCH)
        row = {}
        for clock in ("wall", "cpu"):
            ratios = sorted(b / a for b, a in zip(getattr(before, clock), getattr(after, clock)))
            row[clock] = dict(
                before=before.median(clock) * scale, after=after.median(clock) * scale,
                ratio=statistics.median(ratios), low=ratios[0], high=ratios[-1],
                best=min(getattr(before, clock)) / min(getattr(after, clock)),
                best_before=min(getattr(before, clock)) * scale, best_after=min(getattr(after, clock)) * scale,
            )  # fmt: skip
        results[quantity] = row
        w, c = row["wall"], row["cpu"]
        print(
            f"| {quantity}, {unit} | {w['before']:.3f} | {w['after']:.3f} | **{w['ratio']:.2f}x**"
            f" [{w['low']:.2f}-{w['high']:.2f}] | {c['before']:.3f} | {c['after']:.3f} | **{c['ratio']:.2f}x**"
            f" [{c['low']:.2f}-{c['high']:.2f}] | {c['best_before']:.3f} / {c['best_after']:.3f} ="
            f" **{c['best']:.2f}x** | {(before.other_cores + after.other_cores) / 2:.2f} |"
        )
    print(
        "\n- normals: 3 million standard normals per timed call (one exact trial's), made in blocks of the"
        " kernel's size by each tree's own `_fill_normals` (its fix-ups included), in a jitted loop."
        " chain: `simulate_chain` of the default chain, 20 trials, 1 thread. Both trees run in this process"
        f" (`{rev}` imported from `git archive` as another package), with the same numba and the same"
        " compiler settings; each round times every row once, so load hits both trees alike. CPU = the"
        " process's CPU time (one thread): on a machine shared with other load it is the steadier clock;"
        " the fastest round of each tree is the one least disturbed by that load.\n"
    )
    return results


def section_chain():
    print(f"## Warm kernel throughput: ms per trial (median of {REPEATS} batches of {BATCH} trials)\n")
    functions, info = {}, {}
    for mode, params in MODES.items():
        drive = net.Drive.of(params)
        n_ns = params.n_groups * params.group_size * params.steps(params.t_stop)
        n_blocks = params.steps(params.t_stop)  # one block a step, as in _run
        poisson = drive.kick_values.size > 1
        info[mode] = n_ns, drive.step.n_normals > 0 or poisson
        for threads in THREADS:
            functions["chain", mode, threads] = lambda p=params, t=threads: net.simulate_chain(
                p, A, SIGMA, BATCH, SEED, threads=t
            )
            if not info[mode][1]:
                continue

            def on_threads(one, threads=threads):
                if threads == 1:  # in the calling thread, as simulate_chain(threads=1) runs its trials
                    return [one(i) for i in range(ROOF_TRIALS)]
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(one, range(ROOF_TRIALS * threads)))

            def roof(i, p=params, d=drive, n=n_blocks):
                state = draws.new_state(np.random.SeedSequence(i))
                n_neurons = p.n_groups * p.group_size
                block = np.zeros(d.step.n_normals * n_neurons, dtype=np.float32)
                return roofline_draws(
                    state,
                    n,
                    block,
                    np.zeros(n_neurons if d.kick_values.size > 1 else 0),
                    d.kick_values,
                    d.kick_cdf,
                    d.kick_guide,
                )

            def generator(i, d=drive, n=n_ns):
                return generator_draws(np.random.Generator(np.random.SFC64(i)), n, d.step.n_normals, d.kick_cdf)

            functions["roof", mode, threads] = lambda roof=roof, run=on_threads: run(roof)
            functions["generator", mode, threads] = lambda gen=generator, run=on_threads: run(gen)
    timings = interleaved(functions)

    print(
        "| mode | threads | ms/trial (wall) | ns/neuron-step per core | CPU ms/trial | roofline ns/neuron-step "
        f"| kernel / roofline (<= {TARGET_RATIO}x) | the same in CPU time | ms/trial/core (<= 5) | same draws via"
        " numpy Generator, ns/neuron-step | other load, cores |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    results = {}
    for mode, (n_ns, noisy) in info.items():
        for threads in THREADS:
            chain = timings["chain", mode, threads]
            ms = chain.median() / BATCH * 1e3
            per_core = ms * threads
            cpu = chain.median("cpu") / BATCH * 1e3
            roof = (timings["roof", mode, threads].median() / ROOF_TRIALS * 1e9 / n_ns) if noisy else None
            generator = (timings["generator", mode, threads].median() / ROOF_TRIALS * 1e9 / n_ns) if noisy else None
            ratio = per_core * 1e6 / n_ns / roof if noisy else None
            # CPU time of a trial against CPU time of its draws (all threads' CPU / trials): load-robust
            roof_cpu = timings["roof", mode, threads].median("cpu") / (ROOF_TRIALS * threads) * 1e3 if noisy else None
            ratio_cpu = cpu / roof_cpu if noisy else None
            results[mode, threads] = dict(
                ms=ms, per_core=per_core, cpu=cpu, roof=roof, ratio=ratio, ratio_cpu=ratio_cpu, generator=generator,
                other=chain.other_cores,
            )  # fmt: skip
            print(
                f"| {mode} | {threads} | {ms:.2f} | {per_core * 1e6 / n_ns:.2f} | {cpu:.2f} | "
                + (
                    f"{roof:.2f} | {ratio:.2f}x {'ok' if ratio <= TARGET_RATIO else 'MISSED'} | "
                    f"{ratio_cpu:.2f}x {'ok' if ratio_cpu <= TARGET_RATIO else 'MISSED'} | "
                    if noisy
                    else "- (no draws) | - | - | "
                )
                + f"{per_core:.2f} {'ok' if per_core <= TARGET_MS else 'MISSED'} | "
                + (f"{generator:.2f}" if noisy else "-")
                + f" | {chain.other_cores:.2f} |"
            )
    print()
    print(
        "- ns/neuron-step per core = wall x threads / (1000 neurons x 1000 steps); for the default chain it"
        " equals ms/trial/core. CPU ms/trial = process CPU time (all threads) / trials. Roofline = wall of"
        " the draws alone per neuron-step and thread, made by the kernel's own functions in the kernel's"
        " blocks (simcore.backend.draws: 3 x 1000 normals per step exact, 1000 euler; 1000 uniforms + guide-table"
        " inversion poisson), run on as many threads as the chain row, interleaved with it; 'the same in CPU"
        " time' divides the CPU time of a trial by the CPU time of its draws (steadier on a loaded machine)."
        " The next"
        " column draws the same numbers one call each through numba's numpy Generator(SFC64) methods"
        " (`rng.standard_normal()`, `rng.random()` + `np.searchsorted`), the kernel's source before."
    )
    print("- other load = cores kept busy by other processes during that row's timed batches.")
    for mode in MODES:
        one, two = results[mode, 1], results[mode, 2]
        speedup = one["ms"] / two["ms"]
        if two["other"] > 0.25:
            verdict = (
                f"; **2-thread numbers DISTURBED by other load ({two['other']:.2f} cores busy elsewhere in"
                " this machine); read the 1-thread and CPU columns**"
            )
        elif speedup < 1.6:
            verdict = (
                "; **2-thread numbers DISTURBED: poor scaling although no other load was seen in this"
                " machine (contention outside it, e.g. the VM's host); read the 1-thread columns**"
            )
        else:
            verdict = "; undisturbed"
        print(f"- {mode}: 2 threads {speedup:.2f}x faster than 1 (ideal 2x){verdict}")
    print()
    return results


def phases():
    """`--phases`: the phases of one fresh process, printed as JSON (run under `python -X importtime`)."""
    out = {
        "import numpy": _T_NUMPY - _T0,
        "import numba (simcore.backend)": _T_NUMBA - _T_NUMPY,
        "import simcore.network (rest)": _T_SIMCORE - _T_NUMBA,
    }

    def timed(name, function):
        t = time.perf_counter()
        function()
        out[name] = time.perf_counter() - t

    timed("numba CPU-target initialisation (1st dispatch of a cached 1-line function)", lambda: _noop(1))
    timed(
        "1st simulate_chain, 1 trial (loads _run from numba's cache)",
        lambda: net.simulate_chain(Params(), A, SIGMA, 1, SEED, threads=1),
    )
    timed("2nd simulate_chain, 1 trial (warm)", lambda: net.simulate_chain(Params(), A, SIGMA, 1, SEED, threads=1))
    timed("import h5netcdf (h5py)", lambda: __import__("h5netcdf"))
    from simcore.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        argv = [
            "run",
            "--a",
            str(A),
            "--sigma",
            str(SIGMA),
            "--trials",
            "1",
            "-o",
            f"{tmp}/x.nc",
            "--quiet",
            "--threads",
            "1",
        ]
        timed("1st CLI run --trials 1 in-process (cli, packets, git rev-parse, write)", lambda: main(argv))
        timed("2nd CLI run --trials 1 in-process (warm)", lambda: main(argv))
    if "--freeze" in sys.argv:  # what the shutdown would cost if the job froze its objects before exit
        __import__("gc").freeze()
    print(json.dumps({**out, "_start": _W0, "_end": time.time()}), flush=True)


def _importtime(stderr: str, module: str) -> float:
    """Cumulative import time (s) of `module` from `python -X importtime` output, 0 if not imported."""
    times = [0]
    for line in stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            times.append(int(parts[1]))
    return max(times) / 1e6


PROBE_ROW = "the same --trials 1 run with numba's BLAS probe kept (SYNFIRE_NUMBA_BLAS=1)"
SCRIPT_ROW = "the same --trials 1 run through the `simcore` command, as workflow jobs run it"
BARE_ROW = "the same through simcore.cli.main alone: no probe skip, no gc.freeze (the `simcore` command before 2026-12-02 10:00)"


def section_processes():
    print(f"## Per-job cost of fresh processes (whole subprocess wall; warm-up, then median of {REPEATS})\n")
    env = {k: v for k, v in os.environ.items() if k != "SYNFIRE_THREADS"}
    with tempfile.TemporaryDirectory() as tmp:
        run = [PY, "-m", "simcore", "run", "--a", "100", "--sigma", "0.5", "-o", f"{tmp}/x.nc", "--quiet"]
        commands = {
            "python -c pass": [PY, "-c", "pass"],
            'python -c "import simcore.network"': [PY, "-c", "import simcore.network"],
            'python -c "import simcore.dataset"': [PY, "-c", "import simcore.dataset"],
            "python -m simcore run --a 100 --sigma 0.5 --trials 1 -o x.nc --quiet --threads 1": run
            + ["--trials", "1", "--threads", "1"],
            "python -m simcore run --a 100 --sigma 0.5 --trials 20 -o x.nc --quiet --threads 1": run
            + ["--trials", "20", "--threads", "1"],
        }
        runs, frozen = [], []

        def phase_run(freeze):  # one `--phases` process: its phases, start-up and shutdown
            launched = time.time()
            done = subprocess.run(
                [PY, "-X", "importtime", __file__, "--phases"] + ["--freeze"] * freeze,
                check=True,
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            ended = time.time()
            times = json.loads(done.stdout.strip().splitlines()[-1])
            if freeze:
                return frozen.append(ended - times["_end"])
            phase = {"python start-up (interpreter, site)": times.pop("_start") - launched}
            shutdown = ended - times.pop("_end")
            for key, value in times.items():
                phase[key] = value
                if key.startswith("numba CPU-target"):
                    phase["... of which: import numba.np.arraymath"] = _importtime(done.stderr, "numba.np.arraymath")
                    phase["... ... of which: its BLAS probe imports scipy.linalg"] = _importtime(
                        done.stderr, "scipy.linalg.cython_blas"
                    )
            runs.append({**phase, "python shutdown (exit)": shutdown})

        functions = {
            name: (lambda c=cmd: subprocess.run(c, check=True, cwd=ROOT, env=env, capture_output=True))
            for name, cmd in commands.items()
        }
        probe_env = {**env, "SYNFIRE_NUMBA_BLAS": "1"}  # numba's BLAS probe kept (simcore.backend.skip_blas_probe)
        one = ["--trials", "1", "--threads", "1"]
        functions[PROBE_ROW] = lambda: subprocess.run(
            run + one, check=True, cwd=ROOT, env=probe_env, capture_output=True
        )
        script = [str(Path(PY).with_name("simcore"))] + run[3:] + one  # the console script, as workflow jobs run it
        functions[SCRIPT_ROW] = lambda: subprocess.run(script, check=True, cwd=ROOT, env=env, capture_output=True)
        bare = [PY, "-c", "import sys; from simcore.cli import main; sys.exit(main(sys.argv[1:]))"] + run[3:] + one
        functions[BARE_ROW] = lambda: subprocess.run(bare, check=True, cwd=ROOT, env=env, capture_output=True)
        functions["bench/throughput.py --phases"] = lambda: phase_run(False)
        functions["bench/throughput.py --phases --freeze"] = lambda: phase_run(True)
        timings = interleaved(functions)
        del runs[0], frozen[0]  # warm-up
    print("| command | median s | min s | other load, cores |")
    print("|---|---|---|---|")
    for name, t in timings.items():
        print(f"| `{name}` | {t.median():.3f} | {min(t.wall):.3f} | {t.other_cores:.2f} |")
    t_pass, t1, t20 = (timings[k].median() for k in (list(commands)[0], list(commands)[3], list(commands)[4]))
    per_trial = (t20 - t1) / 19
    fixed = t1 - per_trial
    print(
        f"\n- a trial inside a job costs (t20 - t1) / 19 = {per_trial * 1e3:.1f} ms; the fixed start-up cost of a"
        f" job is t1 - one trial = **{fixed:.2f} s** (= {fixed / per_trial:.0f} trials; interpreter alone"
        f" {t_pass:.3f} s).\n"
    )
    kept, skipped = timings[PROBE_ROW].wall, timings[list(commands)[3]].wall
    saved = statistics.median(k - s for k, s in zip(kept, skipped))
    print(
        f"- numba's BLAS probe (an import of scipy.linalg), which `python -m simcore` skips: a `--trials 1` job"
        f" takes {statistics.median(kept):.3f} s with it and {statistics.median(skipped):.3f} s without; the"
        f" probe costs **{saved:.3f} s** a job (median over the interleaved rounds of the difference).\n"
    )
    script, bare = timings[SCRIPT_ROW].wall, timings[BARE_ROW].wall
    print(
        f"- the `simcore` command (workflow jobs) {statistics.median(script):.3f} s; through `simcore.cli.main`"
        f" alone, as that command ran before it got the entry point's savings, {statistics.median(bare):.3f} s:"
        f" **{statistics.median(b - s for b, s in zip(bare, script)):.3f} s** less a job.\n"
    )
    print(
        f"Phases of one fresh process (`bench/throughput.py --phases` under `-X importtime`, median of {REPEATS},"
        " interleaved with the commands above):\n"
    )
    print("| phase | median s |")
    print("|---|---|")
    for key in runs[0]:
        print(f"| {key} | {statistics.median(r[key] for r in runs):.3f} |")
    print(
        f"| ... the same shutdown if the process calls gc.freeze() before exit (as `python -m simcore` does"
        f" since c682f43) | {statistics.median(frozen):.3f} |"
    )
    total = statistics.median(sum(v for k, v in r.items() if not k.startswith("...")) for r in runs)
    job = statistics.median(sum(v for k, v in r.items() if not k.startswith(("...", "2nd"))) for r in runs)
    print(f"| sum of the phases (compare the wall of `bench/throughput.py --phases` above) | {total:.3f} |")
    print(f"| ... without the '2nd' (warm) rows: what a `--trials 1` job goes through | {job:.3f} |")
    print()
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    where = "; ".join(
        f"{label} {sum(v for k, v in med.items() if k.startswith(prefix)):.2f} s"
        for label, prefix in (
            ("numpy", "import numpy"),
            ("numba import", "import numba"),
            ("numba target initialisation on first dispatch", "numba CPU-target"),
            ("of which scipy.linalg via numba's BLAS probe (`python -m simcore` skips it)", "... ... of which"),
            ("h5netcdf/h5py", "import h5netcdf"),
            ("interpreter shutdown without gc.freeze()", "python shutdown"),
        )
    )
    return fixed, per_trial, where + f"; with gc.freeze() (the CLI) {statistics.median(frozen):.2f} s"


def section_sweep():
    points = len(SWEEP_A)
    print(
        f"## A {points}-point x 20-trial sweep through the CLI (sigma 1.0, a = {SWEEP_A.start}..{SWEEP_A[-1]},"
        f" one `python -m simcore run --trials 20` per point, sequential, default threads; median of"
        f" {SWEEP_REPEATS} sweeps)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SYNFIRE_THREADS"}
    with tempfile.TemporaryDirectory() as tmp:

        def sweep():
            for a in SWEEP_A:
                subprocess.run(
                    [
                        PY,
                        "-m",
                        "simcore",
                        "run",
                        "--a",
                        str(a),
                        "--sigma",
                        "1.0",
                        "--trials",
                        "20",
                        "-o",
                        f"{tmp}/a{a}.nc",
                        "--quiet",
                    ],
                    check=True,
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                )

        t = Timing()
        for _ in range(SWEEP_REPEATS):
            t.measure(sweep)
    total = t.median()
    print("| sweep | median s | min s | per point s | other load, cores |")
    print("|---|---|---|---|---|")
    print(
        f"| {points} points x 20 trials | {total:.2f} | {min(t.wall):.2f} | {total / points:.3f} "
        f"| {t.other_cores:.2f} |\n"
    )
    return total / points


def section_breakdown() -> dict:
    """A default trial (1 thread) taken apart, the parts interleaved in one run: what 1.3x its roofline
    leaves for everything but the draws."""
    from simcore import rng as streams
    from simcore.backend import chain

    params, quiet = MODES["exact + diffusion (default)"], MODES["no noise (background=none)"]
    n_neurons, n_blocks = params.n_groups * params.group_size, params.steps(params.t_stop)

    def prepared(p, drive):  # the kernel's arguments of BATCH trials (each kernel call advances them)
        out = []
        for trial in range(BATCH):
            s = streams.trial_streams(SEED, streams.CHAIN, A, SIGMA, trial)
            steps = net.draw_packet_steps(s.generator, p, A, SIGMA)
            state = net.draw_initial_state(s.generator, p, drive, n_neurons)
            out.append(net.run_arguments(p, drive, s.draw_state, state, steps, capacity=4 * n_neurons))
        return out

    drive = net.Drive.of(params)
    noisy, silent = prepared(params, drive), prepared(quiet, net.Drive.of(quiet))
    block = np.zeros(3 * n_neurons, dtype=np.float32)

    parts = {
        "draws alone (the roofline)": lambda: [
            roofline_draws(
                a["draw_state"], n_blocks, block, np.zeros(0), drive.kick_values, drive.kick_cdf, drive.kick_guide
            )
            for a in noisy
        ],  # fmt: skip
        "kernel call (draws, update, spikes)": lambda: [chain._run(**a) for a in noisy],
        "kernel call without noise (update, spikes)": lambda: [chain._run(**a) for a in silent],
        "per-trial set-up in Python (streams, packet, initial state, arguments)": lambda: prepared(params, drive),
        "whole trial (simulate_chain, 1 thread)": lambda: net.simulate_chain(params, A, SIGMA, BATCH, SEED, threads=1),
    }
    timings = interleaved(parts)
    cpu = {name: t.median("cpu") / BATCH * 1e3 for name, t in timings.items()}
    roof = cpu["draws alone (the roofline)"]
    print(f"## Where a default trial's time goes (1 thread, CPU ms per trial, median of {REPEATS} rounds of {BATCH})\n")
    print("| part | ms per trial | / roofline | other load, cores |")
    print("|---|---|---|---|")
    for name, ms in cpu.items():
        print(f"| {name} | {ms:.3f} | {ms / roof:.3f} | {timings[name].other_cores:.2f} |")
    names = list(cpu)
    kernel, update, setup, trial = (cpu[n] for n in names[1:])
    print(
        f"\n- The kernel call is {kernel / roof:.2f}x the draws; without the draws the same loop (update and"
        f" spikes) costs {update / roof:.2f} of them, so draws + update alone are {(roof + update) / roof:.2f}x"
        f" and running them in one loop costs {(kernel - roof - update) / roof:+.2f} beyond their sum. The"
        f" set-up adds {setup / roof:.2f}; the whole trial is {trial / roof:.2f}x.\n"
    )
    return dict(roof=roof, kernel=kernel, update=update, setup=setup, trial=trial)


def main():
    started = time.perf_counter()
    rev = sys.argv[sys.argv.index("--baseline") + 1] if "--baseline" in sys.argv else BASELINE
    header()
    if "--breakdown" in sys.argv:  # the default trial taken apart, alone (seconds)
        section_breakdown()
        return
    before_after = section_before_after(rev)
    if "--draws-only" in sys.argv:  # sections 1-2 alone (about a minute)
        return
    chain = section_chain()
    parts = section_breakdown()
    fixed, per_trial, where = section_processes()
    per_point = section_sweep()
    d = chain["exact + diffusion (default)", 1]
    print("## Summary\n")
    normals = before_after["normals, exact block (3000)"]["cpu"]
    trial = before_after["chain, exact + diffusion (default)"]["cpu"]
    print(
        f"- normals (CPU time): {normals['before']:.3f} ns at `{rev}`, {normals['after']:.3f} ns now:"
        f" {normals['ratio']:.2f}x faster [{normals['low']:.2f}-{normals['high']:.2f} over rounds; fastest"
        f" rounds {normals['best']:.2f}x]; default trial {trial['ratio']:.2f}x faster"
        f" ({trial['before']:.2f} -> {trial['after']:.2f} ms)."
    )
    print(
        f"- default chain, 1 thread: {d['ms']:.2f} ms/trial = {d['ratio']:.2f}x its draw roofline"
        f" ({d['ratio_cpu']:.2f}x in CPU time)"
        f" ({d['roof']:.2f} ns/neuron-step, i.e. {d['roof']:.1f} ms of draws per trial): "
        f"{'meets' if d['ratio'] <= TARGET_RATIO else 'misses'} <= {TARGET_RATIO}x; "
        f"{'meets' if d['per_core'] <= TARGET_MS else 'misses'} <= {TARGET_MS:g} ms/trial/core."
    )
    none = chain["no noise (background=none)", 1]
    print(
        f"- where the rest goes: the trial without noise (the update, spikes and per-trial set-up, no draws)"
        f" takes {none['ms']:.2f} ms; draws + that = {(d['roof'] + none['ms']) / d['roof']:.2f}x the roofline,"
        f" against {d['ratio']:.2f}x measured. Taken apart (CPU time): the update and spikes alone cost"
        f" {parts['update'] / parts['roof']:.2f} of the draws, the Python set-up {parts['setup'] / parts['roof']:.2f},"
        f" the whole trial {parts['trial'] / parts['roof']:.2f}x."
    )
    print(
        f"- a CLI job costs {fixed:.2f} s of start-up + {per_trial * 1e3:.1f} ms per trial; a 20-trial sweep"
        f" point costs {per_point:.2f} s of wall time, of which ~{20 * d['ms'] / 1e3:.2f} s is simulation"
        f" (at the 1-thread rate)."
    )
    print(f"- start-up: {where}.")
    print(f"- bench took {time.perf_counter() - started:.0f} s; load at end (`uptime`): {sh('uptime')}")


if __name__ == "__main__":
    phases() if "--phases" in sys.argv[1:] else main()
