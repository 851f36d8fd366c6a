"""`python -m solver`: run the article's loop and print it, or explain, plot or dump it as JSON."""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict
from pathlib import Path
from typing import NoReturn

from . import (
    OPTIMIZERS,
    PRECISIONS,
    EquationError,
    IterationOutOfRange,
    Run,
    Settings,
    SettingsError,
    explain,
    hint_text,
    render_convergence,
    solve,
)
from .words import FALLBACK, languages


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
    parser.add_argument(
        "--precision", "--dtype", choices=PRECISIONS, default="float32", help="float32 or float64"
    )
    parser.add_argument("--json", action="store_true", help="print the run as JSON")
    parser.add_argument("--explain", type=int, metavar="K", help="explain iteration K")
    parser.add_argument(
        "--lang", choices=languages(), default=FALLBACK, help="language of --explain"
    )
    parser.add_argument(
        "--plot", type=Path, metavar="PNG", help="also write the convergence figure"
    )
    return parser


def _finite(value: float | None) -> float | None:
    # JSON has no NaN or Infinity: a diverged run's non-finite numbers become null.
    return value if value is not None and math.isfinite(value) else None


def _json_ready(run: Run) -> dict[str, object]:
    return {
        "equation": run.settings.equation,
        "settings": asdict(run.settings),
        "final_x": _finite(run.final_x),
        "outcome": run.outcome.value,
        "root": _finite(run.root),
        "error": _finite(run.error),
        "hint": hint_text(run),
        "iterations": [
            {
                "k": it.k,
                "x": _finite(it.x),
                "y": _finite(it.y),
                "loss": _finite(it.loss),
                "grad": _finite(it.grad),
            }
            for it in run.iterations
        ],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (2 for bad input, with one line on stderr)."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings(
            equation=args.equation,
            x0=args.x0,
            lr=args.lr,
            steps=args.steps,
            optimizer=args.optimizer,
            precision=args.precision,
        )
        run = solve(settings)
        if args.explain is not None:
            print(explain(run, args.explain, args.lang).text())
        elif args.json:
            print(json.dumps(_json_ready(run), allow_nan=False))
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
