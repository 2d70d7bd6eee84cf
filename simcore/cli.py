"""Command line: simcore {run, psp, background} (also python -m simcore).

Bad input (an argument, a parameter, an output path that cannot be written) gets one line naming
it on stderr and exit status 2, before any work and without touching the disk; a full disk gets one
line naming the file and exit status 1; a closed pipe (``simcore psp | head -1``) ends quietly.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import __version__
from .params import ParameterError, Params, describe

PROGRESS_AFTER_S = 3.0  # a run shows progress on a terminal once it has taken this long


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line on stderr, exit 2, no usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def _nonnegative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _positive_int(text: str) -> int:
    value = _nonnegative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _nonnegative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value + 0.0  # -0.0 is 0.0


def _trial_range(text: str) -> range:
    start, sep, stop = text.partition(":")
    try:
        result = range(int(start), int(stop)) if sep else range(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N or START:STOP, got {text!r}") from None
    if len(result) == 0 or result.start < 0:
        raise argparse.ArgumentTypeError(f"empty or negative trial range {text!r}")
    return result


def _output_path(text: str) -> Path:
    """An output file that can be written: checked before any simulation (the probe file is removed)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a file name, got an empty one")
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a directory; give a file name, e.g. {path / 'point.nc'}")
    existing = path.absolute().parent
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text}: {existing} is not a directory")
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".simcore-probe-"):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise argparse.ArgumentTypeError(f"cannot write {text}: {existing}: {reason}") from None
    return path


def program_name() -> str:
    """How simcore was invoked: `simcore` (console script) or `python -m simcore`."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "simcore"
    return "python -m simcore" if name in ("__main__.py", "-m", "-c", "") else name


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    prog = prog or program_name()
    parser = _Parser(
        prog=prog,
        description="Synfire chain (Diesmann, Gewaltig & Aertsen 1999): simulate, inspect the PSP, "
        "measure background statistics.",
        epilog="Model parameters for --set NAME=VALUE (docs/model.md gives their sources):\n" + describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__} (simulator digest {_digest()})")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def with_set(p):
        p.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=f"change a model parameter (repeatable); see `{prog} --help`",
        )
        return p

    run = with_set(sub.add_parser("run", help="simulate trials of input packets, one NetCDF file per packet"))
    run.add_argument(
        "--a",
        type=_nonnegative_int,
        nargs="+",
        required=True,
        help="spikes in the input packet; several values simulate several points in one process"
        " (then -o must contain {a})",
    )
    run.add_argument("--sigma", type=_nonnegative_float, required=True, help="packet jitter sd [ms]")
    run.add_argument(
        "--trials", type=_trial_range, default=range(20), help="N (trials 0..N-1) or START:STOP (default 20)"
    )
    run.add_argument("--seed", type=_nonnegative_int, default=1, help="random seed (default 1)")
    run.add_argument("--threads", type=_positive_int, default=None, help="default: all CPUs")
    run.add_argument(
        "-o", "--output", required=True, help="NetCDF file to write; with several --a a pattern such as 'a{a}.nc'"
    )
    run.add_argument(
        "--reuse",
        action="store_true",
        help="keep an output file that already holds exactly this simulation (point, trials, seed,"
        " parameters, simulator code) instead of simulating it again",
    )
    run.add_argument(
        "--quiet", action="store_true", help="print neither the packet table nor progress (shown on a terminal)"
    )
    run.add_argument(
        "--params-json", default=None, metavar="JSON", help="model parameters as a JSON object (applied before --set)"
    )

    psp = with_set(sub.add_parser("psp", help="noise-free PSP of one input spike"))
    psp.add_argument("--json", action="store_true", help="print one JSON object")

    bg = with_set(
        sub.add_parser(
            "background",
            help="isolated neurons: rate and membrane statistics; --chain: every group's spontaneous rate",
        )
    )
    bg.add_argument("--neurons", type=_positive_int, default=1000)
    bg.add_argument("--duration", type=_nonnegative_float, default=10000.0, help="recorded time [ms]")
    bg.add_argument("--burn-in", type=_nonnegative_float, default=100.0, help="discarded time [ms]")
    bg.add_argument(
        "--chain",
        action="store_true",
        help="instead: spontaneous rate of every group of the chain without a packet (a = 0), from t0 to t_stop;"
        " the packet estimator's packet_background_rate_first (group 0) and packet_background_rate (later groups)",
    )
    bg.add_argument("--trials", type=_positive_int, default=400, help="with --chain: trials (default 400)")
    bg.add_argument("--seed", type=_nonnegative_int, default=1)
    bg.add_argument("--threads", type=_positive_int, default=None)
    bg.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _print_table(result: dict) -> None:
    width = max(map(len, result))
    for key, value in result.items():
        shown = f"{value:.6g}" if isinstance(value, float) else value
        print(f"{key:<{width}}  {shown}")


def _digest() -> str:
    from .sources import simulator_digest

    return simulator_digest()


class Progress:
    """Trials done, rate and time left, on one rewritten line of a terminal, once a run takes longer
    than PROGRESS_AFTER_S; silent elsewhere (logs, pipes)."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.shown = total, 0, False
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.started = time.perf_counter()
        self.lock = threading.Lock()

    def __call__(self) -> None:
        with self.lock:
            self.done += 1
            elapsed = time.perf_counter() - self.started
            if not self.enabled or elapsed < PROGRESS_AFTER_S:
                return
            rate = self.done / elapsed
            left = (self.total - self.done) / rate
            self.stream.write(f"\r{self.done}/{self.total} trials, {rate:.1f} trials/s, {left:.0f} s left   ")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _outputs(args) -> dict[int, Path]:
    """The output file of each --a value, checked before any work (argparse-style errors)."""
    values = list(dict.fromkeys(args.a))  # in order, without repeats
    if len(values) > 1 and "{a}" not in args.output:
        raise ParameterError(f"-o {args.output!r} must contain {{a}} when several --a values are given")
    try:
        return {a: _output_path(args.output.replace("{a}", str(a))) for a in values}
    except argparse.ArgumentTypeError as error:
        raise ParameterError(f"argument -o/--output: {error}") from None


def _simulate(args, params: Params) -> None:
    """simcore run: each point simulated (unless --reuse finds it done) and written on its own."""
    from .dataset import describe_packets, holds, run_point, write_point
    from .network import check_packet

    outputs = _outputs(args)
    for a in outputs:
        check_packet(a, args.sigma, params)
    todo = dict(outputs)
    if args.reuse:
        todo = {a: path for a, path in todo.items() if not holds(path, params, a, args.sigma, args.trials, args.seed)}
    started = time.perf_counter()
    progress = Progress(len(todo) * len(args.trials)) if not args.quiet else None
    try:
        for a, path in todo.items():
            contents = run_point(params, a, args.sigma, args.trials, args.seed, args.threads, progress)
            write_point(contents, path)
            if not args.quiet:
                print(describe_packets(contents))
    finally:
        if progress:
            progress.close()
    if not args.quiet:
        kept = f", {len(outputs) - len(todo)} kept" if len(todo) < len(outputs) else ""
        print(f"{len(todo)} points x {len(args.trials)} trials in {time.perf_counter() - started:.2f} s{kept}")


def script(prog: str | None = None) -> None:
    """The ``simcore`` command (what the workflow's jobs run) and ``python -m simcore``: main() in a
    process of simcore's own, with two savings a library must not impose on a process that imports
    it (bench/throughput.py, "Per-job cost"): the commands that simulate skip numba's BLAS probe
    (simcore.backend.skip_blas_probe, 0.2 s), and gc.freeze() before exit spares the interpreter's
    final garbage collection of numba's objects (0.15-0.24 s)."""
    if sys.argv[1:2] in (["run"], ["background"]):
        from .backend import skip_blas_probe

        skip_blas_probe()
    status = main(prog=prog)
    gc.freeze()
    sys.exit(status)


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
        return _run(args, parser.prog)
    except BrokenPipeError:
        # The reader went away (`simcore psp | head -1`): nothing more to say, and nowhere to say it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(args, prog: str) -> int:
    from .dataset import is_disk_full

    try:
        params = Params()
        if getattr(args, "params_json", None):
            try:
                overrides = json.loads(args.params_json)
            except json.JSONDecodeError as error:
                raise ParameterError(f"--params-json is not valid JSON ({error.msg})") from None
            if not isinstance(overrides, dict):
                raise ParameterError("--params-json must be a JSON object of parameter names and values")
            params = params.with_overrides(overrides)
        params = params.with_overrides(args.set)
        if args.command == "run":
            _simulate(args, params)
        elif args.command == "psp":
            from .psp import psp

            result = psp(params)
            print(json.dumps(result)) if args.json else _print_table(result)
        elif args.command == "background":
            from .background import background_stats, chain_background_rates

            if args.chain:
                result = chain_background_rates(params, args.trials, args.seed, args.threads)
            else:
                if args.duration <= 0:
                    raise ParameterError("--duration must be > 0 ms")
                result = background_stats(params, args.neurons, args.duration, args.seed, args.burn_in, args.threads)
            print(json.dumps(result)) if args.json else _print_table(result)
        sys.stdout.flush()  # a closed pipe shows here, inside main, not at exit
    except (ParameterError, ValueError) as error:
        print(f"{prog} {args.command}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise
    except OSError as error:
        message = str(error) if not is_disk_full(error) or error.filename else f"no space left on device ({error})"
        print(f"{prog} {args.command}: error: {message}", file=sys.stderr)
        return 1
    return 0
