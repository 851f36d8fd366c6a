"""Iteration k of a run, explained with its own numbers: f(x), loss, chain rule, update."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import torch

from ._explain_newton import newton_lines
from ._explain_step import CONSTANTS, Say, update_lines
from ._numbers import article_number as fmt
from ._numbers import factor
from ._run import Iteration, Outcome, Run
from .equation import Equation, parse_equation
from .words import language, t


class IterationOutOfRange(ValueError):
    """The run has no iteration k; `last` is the highest one it has."""

    def __init__(self, k: object, last: int) -> None:
        has = f"iterations 0 to {last}" if last >= 0 else "no iterations"
        super().__init__(f"iteration {k!r:.40} is out of range: this run has {has}")
        self.k = k
        self.last = last


@dataclass(frozen=True)
class Section:
    """One part of an explanation: a heading and its lines."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    """Iteration k explained: the numbers, and the same in sections of words."""

    k: int
    last_k: int
    lang: str
    title: str
    sections: tuple[Section, ...]
    x: float
    y: float
    loss: float
    dl_dy: float
    dy_dx: float
    chain: float
    autograd: float
    agrees: bool
    x_next: float | None
    predicted_x_next: float | None

    def text(self) -> str:
        """Plain text: the title, then each section's heading and lines."""
        parts = [self.title]
        for section in self.sections:
            parts.append("")
            parts.append(section.heading)
            parts.extend(f"  {line}" for line in section.lines)
        return "\n".join(parts)


def _optimizer_name(run: Run, say: Say) -> str:
    return say(f"explain.opt_{run.settings.optimizer}", **CONSTANTS)


def _stepped(run: Run, k: int) -> bool:
    stopped_here = run.outcome in (Outcome.DIVERGED, Outcome.OUT_OF_DOMAIN)
    return not (stopped_here and k == len(run.iterations) - 1)


def _agree(chain: float, grad: float, precision: str) -> bool:
    """The chain rule's dL/dx and autograd's are the same up to rounding (nan and nan too:
    neither has a value)."""
    if math.isnan(chain) and math.isnan(grad):
        return True
    tol = 1e-4 if precision == "float32" else 1e-10
    return math.isclose(chain, grad, rel_tol=tol, abs_tol=tol)


def _gradient_line(agrees: bool, grad: float, say: Say) -> str:
    if not math.isfinite(grad) and agrees:
        return say("explain.domain.no_gradient", g=fmt(grad))
    return say("explain.agrees" if agrees else "explain.disagrees", g=fmt(grad))


def _defined_sections(
    eq: Equation, it: Iteration, k: int, numbers: tuple[float, float, float], say: Say
) -> list[Section]:
    dl_dy, dy_dx, chain = numbers
    return [
        Section(
            say("explain.h_value"),
            (
                say("explain.x", k=k, x=fmt(it.x)),
                say("explain.y", k=k, f=eq.f_text, x=fmt(it.x), y=fmt(it.y)),
            ),
        ),
        Section(
            say("explain.h_loss"),
            (
                say("explain.loss", y=fmt(it.y), loss=fmt(it.loss)),
                say("explain.dl_dy", y=fmt(it.y), d=fmt(dl_dy)),
            ),
        ),
        Section(
            say("explain.h_chain"),
            (
                say("explain.dy_dx", formula=eq.derivative_text, x=fmt(it.x), d=fmt(dy_dx)),
                say("explain.chain", a=factor(dl_dy), b=factor(dy_dx), c=fmt(chain)),
            ),
        ),
    ]


def _undefined_sections(
    eq: Equation, it: Iteration, k: int, dy_dx: float, say: Say
) -> list[Section]:
    """x outside the domain of f: f, the loss and dL/dy have no value, but the derivative's
    formula may have one (1/x at x < 0 for log x)."""
    if math.isfinite(dy_dx):
        slope = say("explain.dy_dx", formula=eq.derivative_text, x=fmt(it.x), d=fmt(dy_dx))
    else:
        slope = say("explain.domain.dy_dx", formula=eq.derivative_text, x=fmt(it.x))
    return [
        Section(
            say("explain.h_value"),
            (
                say("explain.x", k=k, x=fmt(it.x)),
                say("explain.domain.y", k=k, f=eq.f_text, x=fmt(it.x)),
            ),
        ),
        Section(say("explain.h_loss"), (say("explain.domain.loss"),)),
        Section(say("explain.h_chain"), (slope, say("explain.domain.chain"))),
    ]


def explain(run: Run, k: int, lang: str = "en") -> Explanation:
    """Explain iteration k of `run` in `lang` (a catalogue language; English if unknown)."""
    last = len(run.iterations) - 1
    # An index, not any number: True is not iteration 1, and 2.5 is no iteration at all.
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= last:
        raise IterationOutOfRange(k, last)
    lang = language(lang).code
    say = partial(t, lang)
    eq = parse_equation(run.settings.equation)
    it = run.iterations[k]
    dtype = getattr(torch, run.settings.precision)
    # Outside the domain f (float64 too) has no value, but its derivative's formula may have.
    undefined = math.isnan(it.y) and math.isnan(eq.value(it.x))
    slope = eq.derivative_at(it.x) if undefined else eq.slope(it.x)
    dl_dy_t = 2 * (torch.tensor(it.y, dtype=dtype) - 0)
    dy_dx_t = torch.tensor(slope, dtype=dtype)
    dl_dy, dy_dx, chain = dl_dy_t.item(), dy_dx_t.item(), (dl_dy_t * dy_dx_t).item()
    agrees = _agree(chain, it.grad, run.settings.precision)
    if undefined:
        sections = _undefined_sections(eq, it, k, dy_dx, say)
    else:
        sections = _defined_sections(eq, it, k, (dl_dy, dy_dx, chain), say)
    chain_section = sections[-1]
    sections[-1] = Section(
        chain_section.heading, (*chain_section.lines, _gradient_line(agrees, it.grad, say))
    )
    x_next: float | None = None
    predicted: float | None = None
    if run.settings.optimizer == "newton":
        # Newton's step follows the tangent of f, not the loss: sections ②–④ are its own.
        newton, predicted = newton_lines(run, k, eq, say)
        sections[1:] = [Section(heading, lines) for heading, lines in newton]
        x_next = None if predicted is None else run.next_x(k)
    elif _stepped(run, k):
        lines, predicted = update_lines(run, k, say)
        x_next = run.next_x(k)
        lines.append(say("explain.next", k1=k + 1, x=fmt(x_next)))
        sections.append(
            Section(say("explain.h_update", opt=_optimizer_name(run, say)), tuple(lines))
        )
    else:
        sections.append(
            Section(say("explain.h_stopped"), (say(f"explain.stopped_{run.outcome.name.lower()}"),))
        )
    title = say("explain.title", k=k, last=last, eq=eq.pretty)
    return Explanation(
        k,
        last,
        lang,
        title,
        tuple(sections),
        it.x,
        it.y,
        it.loss,
        dl_dy,
        dy_dx,
        chain,
        it.grad,
        agrees,
        x_next,
        predicted,
    )
