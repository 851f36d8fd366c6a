"""Regenerate the README's picture: the convergence figure of the default /solve.

python scripts/readme_image.py   # writes docs/solve-default.png, docs/compare-default.png
                                 # docs/race-default.png and docs/animate-default.gif
"""

from __future__ import annotations

from pathlib import Path

from solver import Settings, race, render_comparison, render_convergence, solve, solve_batch
from solver.plots import render_race
from solver.plots.animation import draw_gif
from solver.plots.animation_prepare import animation_picture

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    """Render the default run, the /compare example and the default run's animation exactly
    as the bot sends them."""
    DOCS.mkdir(exist_ok=True)
    (DOCS / "solve-default.png").write_bytes(render_convergence(solve(Settings())))
    lrs = [0.001, 0.01, 0.05, 0.2]
    runs = solve_batch(Settings(equation="x**2 - 2"), lrs)
    (DOCS / "compare-default.png").write_bytes(render_comparison(runs))
    # /race x0:1 lr:0.01 on x² − 2: Newton within 1e-6 after 4 steps, SGD after 78.
    (DOCS / "race-default.png").write_bytes(render_race(race(Settings())))
    (DOCS / "animate-default.gif").write_bytes(draw_gif(animation_picture(solve(Settings()))))
    print(
        f"wrote solve-default.png, compare-default.png, race-default.png and animate-default.gif in {DOCS}"
    )


if __name__ == "__main__":
    main()
