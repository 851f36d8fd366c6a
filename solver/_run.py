"""The record of one gradient-descent run: settings, iterations and outcome."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, NamedTuple

OPTIMIZERS = ("sgd", "momentum", "adam")
DTYPES = ("float32", "float64")
MOMENTUM = 0.9


class Outcome(enum.StrEnum):
    """How a run ended, in words a student understands."""

    CONVERGED = "converged"
    STILL_MOVING = "still moving"
    DIVERGED = "diverged"
    STUCK = "stuck"
    OUT_OF_DOMAIN = "out of domain"
    TIMED_OUT = "timed out"


@dataclass(frozen=True)
class Settings:
    """What a run was asked to do. `equation` is the text the user typed."""

    equation: str = "x**2 - 2"
    x0: float = 1.0
    lr: float = 0.01
    steps: int = 100
    optimizer: str = "sgd"
    dtype: str = "float32"


class Iteration(NamedTuple):
    """Iteration k: x, y = f(x), the loss and dL/dx *before* the k-th step.

    `state` is the optimizer's state right after the k-th step, the numbers that
    turned x_k into x_{k+1}: momentum has `momentum_buffer`; Adam has `exp_avg`,
    `exp_avg_sq` and `step`. Plain SGD has none. A NamedTuple rather than a frozen
    dataclass: a long run records many thousands, and this builds them 4× faster.
    """

    k: int
    x: float
    y: float
    loss: float
    grad: float
    # Shared by every stateless iteration: read it, never change it.
    state: Mapping[str, float] = {}

    def line(self) -> str:
        """The article's line format, e.g. `1: x=1.0400000, y=-0.9184000, dL/dx=-3.8205440`."""
        return f"{self.k}: x={self.x:.7f}, y={self.y:.7f}, dL/dx={self.grad:.7f}"


@dataclass(frozen=True)
class Hint:
    """Why a run ended as it did, from its numbers (solver._diagnosis decides it).

    `key` names the text (solver._outcome_text). `lr_bound` is the largest stable learning
    rate of this optimizer at the nearest root (`bound_kind` "sgd": 2 / L''(x*), "momentum":
    2(1 + β) / L''(x*); Adam has none) and `lr_above_bound` whether this run's lr exceeds it.
    `at_x` and `f_at` say where x stopped (or where |f| is least) and f there; `step` and
    `spacing` compare a step lr·dL/dx with half the spacing of floats at x; `cause` names
    why a run stopped early ("overflow", "loss_cutoff", "x_cutoff"); `done` counts steps taken;
    `distance` is how far from the root x is (Adam) or will stop (float resolution).
    """

    key: str
    lr_bound: float | None = None
    lr_above_bound: bool | None = None
    bound_kind: str | None = None
    at_x: float | None = None
    f_at: float | None = None
    step: float | None = None
    spacing: float | None = None
    cause: str | None = None
    done: int | None = None
    distance: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Hint:
        """A stored hint; fields this version does not know are dropped."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Run:
    """One run: its settings, every recorded iteration, and how it ended."""

    settings: Settings
    iterations: list[Iteration]
    final_x: float
    outcome: Outcome
    root: float | None = None
    hint: Hint | None = None
    seconds: float = 0.0

    @property
    def error(self) -> float | None:
        """|final_x - root|, or None when there is no real root nearby."""
        if self.root is None:
            return None
        return abs(self.final_x - self.root)

    def next_x(self, k: int) -> float:
        """x_{k+1}: the x that iteration k's step led to."""
        if k + 1 < len(self.iterations):
            return self.iterations[k + 1].x
        return self.final_x

    def lines(self) -> list[str]:
        """The article's output: one line per iteration, then `x=<final>`."""
        return [it.line() for it in self.iterations] + [f"x={self.final_x:.7f}"]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; `Run.from_dict` reads it back exactly."""
        return {
            "settings": asdict(self.settings),
            "iterations": [{**it._asdict(), "state": dict(it.state)} for it in self.iterations],
            "final_x": self.final_x,
            "outcome": self.outcome.value,
            "root": self.root,
            "hint": asdict(self.hint) if self.hint else None,
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Run:
        """Rebuild a Run written by `to_dict`."""
        hint = data.get("hint")
        return cls(
            settings=Settings(**data["settings"]),
            iterations=[Iteration(**it) for it in data["iterations"]],
            final_x=data["final_x"],
            outcome=Outcome(data["outcome"]),
            root=data.get("root"),
            hint=Hint.from_dict(hint) if hint else None,
            seconds=data.get("seconds", 0.0),
        )
