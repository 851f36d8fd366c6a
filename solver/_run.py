"""The record of one gradient-descent run: settings, iterations and outcome."""

from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, NamedTuple, cast

from ._numbers import seed_number

OPTIMIZERS = ("sgd", "momentum", "adam")
# Every method a run may use: the torch optimizers and Newton's method (solver._newton).
METHODS = (*OPTIMIZERS, "newton")
PRECISIONS = ("float32", "float64")
MOMENTUM = 0.9
ADAM_BETAS = (0.9, 0.999)  # torch.optim.Adam's defaults, written where every user reads them
ADAM_EPS = 1e-8
MAX_STEPS = 100_000
# A run stops as diverged past these: the loss past 1e30 or |x| past 1e100.
HUGE_LOSS = 1e30
HUGE_X = 1e100
FLOAT32_MAX = 3.4028234663852886e38  # torch.finfo(torch.float32).max


class SettingsError(ValueError):
    """A run setting outside what the solver accepts; `code` and `params` name it for translation."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def _real(value: object, code: str) -> float:
    """`value` as a float; bools, text and ints past float's range are refused with `code`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        name = code.split("_")[0]
        raise SettingsError(code, f"{name} must be a real number, got {value!r:.40}")
    try:
        return float(value)
    except OverflowError:  # an int such as 10**400
        return math.inf if cast(int, value) > 0 else -math.inf


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
    """What a run was asked to do, checked once when it is made. `equation` is the user's text.

    Raises SettingsError when a setting cannot make a meaningful run; `precision` names the
    torch dtype the run computes in.
    """

    equation: str = "x**2 - 2"
    x0: float = 1.0
    lr: float = 0.01
    steps: int = 100
    optimizer: str = "sgd"
    precision: str = "float32"

    def __post_init__(self) -> None:
        if not isinstance(self.equation, str):
            raise SettingsError("equation_not_text", "equation must be text")
        if self.optimizer not in METHODS:
            raise SettingsError(
                "unknown_optimizer", f"optimizer must be one of {', '.join(METHODS)}"
            )
        if self.precision not in PRECISIONS:
            raise SettingsError(
                "unknown_precision", f"precision must be one of {', '.join(PRECISIONS)}"
            )
        # Frozen, so the numbers are normalised through object.__setattr__, once.
        object.__setattr__(self, "x0", _real(self.x0, "x0_not_finite"))
        object.__setattr__(self, "lr", _real(self.lr, "lr_not_positive"))
        if not math.isfinite(self.x0):
            raise SettingsError("x0_not_finite", f"x0 must be a finite number, got {self.x0}")
        if not math.isfinite(self.lr) or self.lr <= 0:
            raise SettingsError("lr_not_positive", f"lr must be a positive number, got {self.lr}")
        if self.precision == "float32":
            self._check_float32()
        if isinstance(self.steps, bool) or not isinstance(self.steps, numbers.Integral):
            raise SettingsError(
                "steps_not_integer", f"steps must be an integer, got {self.steps!r}"
            )
        object.__setattr__(self, "steps", int(self.steps))
        if not 1 <= self.steps <= MAX_STEPS:
            raise SettingsError(
                "steps_out_of_range",
                f"steps must be between 1 and {MAX_STEPS}, got {self.steps}",
                max=MAX_STEPS,
            )

    def _check_float32(self) -> None:
        # torch refuses a step size past float32's range ("value cannot be converted to type
        # float without overflow"); Adam's first step size is lr / (1 − β1), ten times lr.
        # An x0 past it would start at inf.
        first_step = self.lr / (1 - ADAM_BETAS[0]) if self.optimizer == "adam" else self.lr
        if first_step > FLOAT32_MAX:
            limit = FLOAT32_MAX * (1 - ADAM_BETAS[0]) if self.optimizer == "adam" else FLOAT32_MAX
            raise SettingsError(
                "lr_too_large",
                f"lr must be at most {limit:.3g} with {self.optimizer} in float32, got {self.lr:g}",
                limit=limit,
            )
        if abs(self.x0) > FLOAT32_MAX:
            raise SettingsError(
                "x0_too_large",
                f"x0 must be between ±{FLOAT32_MAX:.3g} in float32, got {self.x0:g}",
                limit=FLOAT32_MAX,
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Settings as `asdict` wrote them; rows stored before the rename say "dtype"."""
        fields = dict(data)
        if "dtype" in fields:
            fields["precision"] = fields.pop("dtype")
        return cls(**fields)


class Iteration(NamedTuple):
    """Iteration k: x, y = f(x), the loss and dL/dx *before* the k-th step.

    `state` is the optimizer's state right after the k-th step, the numbers that
    turned x_k into x_{k+1}: momentum has `momentum_buffer`; Adam has `exp_avg`,
    `exp_avg_sq` and `step`; Newton has `slope`, f'(x_k). Plain SGD has none. A NamedTuple rather than a frozen
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
        x, y, grad = (seed_number(v) for v in (self.x, self.y, self.grad))
        return f"{self.k}: x={x}, y={y}, dL/dx={grad}"


@dataclass(frozen=True)
class Hint:
    """Why a run ended as it did, from its numbers (solver._diagnosis decides it).

    `key` names the text (solver._outcome_text): hint.<key>, or the whole catalogue key
    when the text has a section of its own (hint.range.float32). `lr_bound` is the largest stable learning
    rate of this optimizer at the nearest root (`bound_kind` "sgd": 2 / L''(x*), "momentum":
    2(1 + β) / L''(x*); Adam has none) and `lr_above_bound` whether this run's lr exceeds it.
    `at_x` and `f_at` say where x stopped (or where |f| is least) and f there; `step` and
    `spacing` compare a step lr·dL/dx with half the spacing of floats at x; `cause` names
    why a run stopped early ("overflow", "loss_cutoff", "x_cutoff"); `done` counts steps taken;
    `distance` is how far from the root x is (Adam) or will stop (float resolution).
    `advice` names what can move a run the floats stopped (solver._remedies tried it), and
    `beyond` is a root past float64's range, as text (1e+320).
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
    advice: str | None = None
    beyond: str | None = None

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
        return [it.line() for it in self.iterations] + [f"x={seed_number(self.final_x)}"]

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
            settings=Settings.from_dict(data["settings"]),
            iterations=[Iteration(**it) for it in data["iterations"]],
            final_x=data["final_x"],
            outcome=Outcome(data["outcome"]),
            root=data.get("root"),
            hint=Hint.from_dict(hint) if hint else None,
            seconds=data.get("seconds", 0.0),
        )
