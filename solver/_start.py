"""What every loop (solve, solve_batch, Newton's) sets up first, and how it ends a run."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from ._outcome import finish_run
from ._run import Iteration, Outcome, Run, Settings
from .equation import Equation, parse_equation


@dataclass
class Progress:
    """Where a running solve is. The worker writes it; another thread may read it at any time."""

    steps: int = 0
    k: int = 0
    x: float = math.nan
    loss: float = math.nan


@dataclass
class Start:
    """What every loop sets up first: the equation, the clock, the progress, and x (one row
    per run) with its target 0 in the run's dtype."""

    eq: Equation
    started: float
    deadline: float
    progress: Progress
    x: torch.Tensor
    target: torch.Tensor

    def out_of_time(self) -> bool:
        """Whether `max_seconds` has passed."""
        return time.monotonic() > self.deadline

    def finish(
        self,
        settings: Settings,
        iterations: list[Iteration],
        trouble: Outcome | None,
        row: int = 0,
    ) -> Run:
        """The run of one row: a run stopped by divergence or the domain ends at its last
        recorded x, any other at the x the loop left."""
        stopped = trouble in (Outcome.DIVERGED, Outcome.OUT_OF_DOMAIN)
        final_x = iterations[-1].x if stopped else self.x[row].item()
        elapsed = time.monotonic() - self.started
        return finish_run(self.eq, settings, iterations, final_x, trouble, elapsed)


def start(
    settings: Settings,
    starts: Sequence[float],
    max_seconds: float | None,
    progress: Progress | None,
    eq: Equation | None = None,
) -> Start:
    """The set-up of a loop over `settings` from each x0 in `starts`."""
    started = time.monotonic()
    deadline = started + max_seconds if max_seconds is not None else math.inf
    progress = progress if progress is not None else Progress()
    progress.steps = settings.steps
    dtype = getattr(torch, settings.precision)
    x = torch.tensor(list(starts), dtype=dtype, requires_grad=True)
    target = torch.zeros(len(starts), dtype=dtype)
    eq = eq if eq is not None else parse_equation(settings.equation)
    return Start(eq, started, deadline, progress, x, target)
