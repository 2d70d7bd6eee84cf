"""Command line: python -m simcore {run, psp, background}."""

from __future__ import annotations

import argparse
import json
import sys
import time

from .params import ParameterError, Params, describe


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
    return value


def _trial_range(text: str) -> range:
    start, sep, stop = text.partition(":")
    try:
        result = range(int(start), int(stop)) if sep else range(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N or START:STOP, got {text!r}") from None
    if len(result) == 0 or result.start < 0:
        raise argparse.ArgumentTypeError(f"empty or negative trial range {text!r}")
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m simcore",
        description="Synfire chain (Diesmann, Gewaltig & Aertsen 1999): simulate, inspect the PSP, "
        "measure background statistics.",
        epilog="Model parameters for --set NAME=VALUE (docs/model.md gives their sources):\n" + describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def with_set(p):
        p.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="change a model parameter (repeatable); see `python -m simcore --help`",
        )
        return p

    run = with_set(sub.add_parser("run", help="simulate trials of one input packet, write NetCDF"))
    run.add_argument("--a", type=_nonnegative_int, required=True, help="spikes in the input packet")
    run.add_argument("--sigma", type=_nonnegative_float, required=True, help="packet jitter sd [ms]")
    run.add_argument(
        "--trials", type=_trial_range, default=range(20), help="N (trials 0..N-1) or START:STOP (default 20)"
    )
    run.add_argument("--seed", type=_nonnegative_int, default=1, help="random seed (default 1)")
    run.add_argument("--threads", type=_positive_int, default=None, help="default: all CPUs")
    run.add_argument("-o", "--output", required=True, help="NetCDF file to write")
    run.add_argument("--quiet", action="store_true", help="do not print the packet table")
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
            from .dataset import describe_packets, run_point, write_point
            from .network import check_packet

            check_packet(args.a, args.sigma, params)
            started = time.perf_counter()
            contents = run_point(params, args.a, args.sigma, args.trials, args.seed, args.threads)
            write_point(contents, args.output)
            if not args.quiet:
                print(describe_packets(contents))
                print(f"{len(args.trials)} trials in {time.perf_counter() - started:.2f} s -> {args.output}")
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
    except (ParameterError, ValueError) as error:
        print(f"python -m simcore {args.command}: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"python -m simcore {args.command}: error: {error}", file=sys.stderr)
        return 1
    return 0
