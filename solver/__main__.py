"""`python -m solver`: run the article's loop and print it, or explain, plot or dump it as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from . import (
    DTYPES,
    OPTIMIZERS,
    EquationError,
    IterationOutOfRange,
    SettingsError,
    explain,
    render_convergence,
    solve,
)


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="python -m solver", description=__doc__)
    parser.add_argument("--equation", default="x**2 - 2", help="f(x) = 0 to solve, e.g. 'x^2 = 2'")
    parser.add_argument("--x0", type=float, default=1.0, help="starting x (default 1)")
    parser.add_argument("--lr", type=float, default=0.01, help="learning rate (default 0.01)")
    parser.add_argument("--steps", type=int, default=100, help="iterations (default 100)")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd")
    parser.add_argument("--dtype", choices=DTYPES, default="float32")
    parser.add_argument("--json", action="store_true", help="print the run as JSON")
    parser.add_argument("--explain", type=int, metavar="K", help="explain iteration K")
    parser.add_argument("--lang", choices=("en", "ja"), default="en", help="language of --explain")
    parser.add_argument(
        "--plot", type=Path, metavar="PNG", help="also write the convergence figure"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (2 for bad input, with one line on stderr)."""
    args = _parser().parse_args(argv)
    try:
        run = solve(args.equation, args.x0, args.lr, args.steps, args.optimizer, args.dtype)
        if args.explain is not None:
            print(explain(run, args.explain, args.lang).text())
        elif args.json:
            data = run.to_dict()
            data["iterations"] = [
                {"k": it["k"], "x": it["x"], "y": it["y"], "loss": it["loss"], "grad": it["grad"]}
                for it in data["iterations"]
            ]
            print(json.dumps(data, allow_nan=True))
        else:
            print("\n".join(run.lines()))
        if args.plot is not None:
            args.plot.write_bytes(render_convergence(run))
    except (EquationError, SettingsError, IterationOutOfRange, OSError) as error:
        print(f"python -m solver: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
