"""A race of methods on one problem: SGD, momentum and Adam at one lr, and Newton's method.

Every method starts from the same x0 on the same equation for the same steps. A lane says
after how many steps x came within TOLERANCE of the true root (solver._roots, the root
nearest where the run ended) and stayed there, or why it never did.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

from ._loop import solve
from ._run import Outcome, Run, Settings

RACE_METHODS = ("sgd", "momentum", "adam", "newton")
TOLERANCE = 1e-6
# Why a lane never came within TOLERANCE, from its run's outcome and hint.
_WHY_OUTCOME = {
    Outcome.DIVERGED: "diverged",
    Outcome.OUT_OF_DOMAIN: "out_of_domain",
    Outcome.TIMED_OUT: "timed_out",
    Outcome.STUCK: "stuck",
    Outcome.CONVERGED: "resolution",  # as close as the precision resolves, yet not within 1e-6
    Outcome.STILL_MOVING: "not_within",
}
_FLAT_TANGENT = ("newton_zero_slope", "newton_slope_rounds_to_zero")


@dataclass(frozen=True)
class Lane:
    """One method's run; `reached` is the first step count from which every x stayed within
    TOLERANCE of the root (None if never), `why` the reason when it is None."""

    run: Run
    reached: int | None
    why: str | None

    @property
    def method(self) -> str:
        """sgd, momentum, adam or newton."""
        return self.run.settings.optimizer


@dataclass(frozen=True)
class Race:
    """The lanes, in the order of RACE_METHODS."""

    lanes: tuple[Lane, ...]


def steps_to_reach(run: Run, tolerance: float = TOLERANCE) -> int | None:
    """The smallest k with |x_j − root| <= tolerance for x_k and every later x (the final x
    included), or None when the final x is not within it or there is no root."""
    if run.root is None:
        return None
    xs = [it.x for it in run.iterations] + [run.final_x]
    if run.outcome in (Outcome.DIVERGED, Outcome.OUT_OF_DOMAIN):
        xs = xs[:-1]  # the final x repeats the last recorded one
    reached = None
    for k in range(len(xs) - 1, -1, -1):
        if not (math.isfinite(xs[k]) and abs(xs[k] - run.root) <= tolerance):
            break
        reached = k
    return reached


def lane_of(run: Run) -> Lane:
    """A finished run as a lane of the race."""
    reached = steps_to_reach(run)
    if reached is not None:
        return Lane(run, reached, None)
    if run.root is None:
        return Lane(run, None, "no_root")
    if run.hint is not None and run.hint.key in _FLAT_TANGENT:
        return Lane(run, None, "zero_slope")
    return Lane(run, None, _WHY_OUTCOME[run.outcome])


def race_settings(settings: Settings) -> list[Settings]:
    """`settings` once per method of the race (each is checked: float32 bounds Adam's lr)."""
    return [replace(settings, optimizer=method) for method in RACE_METHODS]


def race(settings: Settings, *, max_seconds: float | None = None) -> Race:
    """SGD, momentum and Adam at settings.lr and Newton's method, each a full run of its own.

    `max_seconds` bounds the whole race: each method gets the time the ones before it left
    (so a cold start's slow first torch call does not starve the first method of a fixed
    share). Raises EquationError when the equation does not parse and SettingsError when a
    method cannot use the settings.
    """
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    runs = []
    for one in race_settings(settings):
        left = None if deadline is None else max(deadline - time.monotonic(), 0.0)
        runs.append(solve(one, max_seconds=left))
    return Race(tuple(lane_of(run) for run in runs))
