"""Iteration k of a run, explained with its own numbers: f(x), loss, chain rule, update."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import torch

from ._explain_newton import newton_lines
from ._numbers import article_number as fmt
from ._numbers import typed_number
from ._run import ADAM_BETAS, ADAM_EPS, MOMENTUM, Outcome, Run
from .equation import parse_equation
from .words import language, t

# The optimizers' constants as the text prints them: 0.9, 0.1, 0.999, 0.001, 1e-8
_CONSTANTS = {
    "mu": typed_number(MOMENTUM),
    "b1": typed_number(ADAM_BETAS[0]),
    "c1": typed_number(1 - ADAM_BETAS[0]),
    "b2": typed_number(ADAM_BETAS[1]),
    "c2": typed_number(1 - ADAM_BETAS[1]),
    "eps": typed_number(ADAM_EPS),
}


Say = Callable[..., str]  # t with the language filled in: say(key, **params)


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


def _update_lines(run: Run, k: int, say: Say) -> tuple[list[str], float]:
    # The update redone with torch's own ops in the run's dtype, so every digit shown is
    # the one optimizer.step() computed.
    dtype = getattr(torch, run.settings.precision)

    def tensor(value: float) -> torch.Tensor:
        return torch.tensor(value, dtype=dtype)

    it = run.iterations[k]
    lr, g, x = run.settings.lr, tensor(it.grad), tensor(it.x)
    prev = run.iterations[k - 1].state if k > 0 else {}
    name = run.settings.optimizer
    if name == "sgd":
        new = x.add(g, alpha=-lr).item()
        return [say("explain.sgd", x=fmt(it.x), lr=fmt(lr), g=fmt(it.grad), new=fmt(new))], new
    if name == "momentum":
        if "momentum_buffer" in prev:
            buf = tensor(prev["momentum_buffer"]).mul(MOMENTUM).add(g)
            first = say(
                "explain.momentum",
                prev=fmt(prev["momentum_buffer"]),
                g=fmt(it.grad),
                v=fmt(buf.item()),
                **_CONSTANTS,
            )
        else:
            buf = g.clone()
            first = say("explain.momentum_first", g=fmt(it.grad))
        new = x.add(buf, alpha=-lr).item()
        step = say(
            "explain.momentum_step", x=fmt(it.x), lr=fmt(lr), v=fmt(buf.item()), new=fmt(new)
        )
        return [first, step], new
    beta1, beta2 = ADAM_BETAS
    step_no = k + 1
    m_prev, v_prev = prev.get("exp_avg", 0.0), prev.get("exp_avg_sq", 0.0)
    m = tensor(m_prev).lerp(g, 1 - beta1)
    v = tensor(v_prev).mul(beta2).addcmul(g, g, value=1 - beta2)
    bias1, bias2 = 1 - beta1**step_no, 1 - beta2**step_no
    denom = (v.sqrt() / bias2**0.5).add(ADAM_EPS)
    new = x.addcdiv(m, denom, value=-lr / bias1).item()
    m_hat, v_hat = m.item() / bias1, v.item() / bias2
    lines = [
        say("explain.adam_m", prev=fmt(m_prev), g=fmt(it.grad), m=fmt(m.item()), **_CONSTANTS),
        say("explain.adam_v", prev=fmt(v_prev), g=fmt(it.grad), v=fmt(v.item()), **_CONSTANTS),
        say("explain.adam_hat", t=step_no, m_hat=fmt(m_hat), v_hat=fmt(v_hat), **_CONSTANTS),
        say(
            "explain.adam_step",
            x=fmt(it.x),
            lr=fmt(lr),
            m_hat=fmt(m_hat),
            v_hat=fmt(v_hat),
            new=fmt(new),
            **_CONSTANTS,
        ),
    ]
    return lines, new


def _optimizer_name(run: Run, say: Say) -> str:
    return say(f"explain.opt_{run.settings.optimizer}", **_CONSTANTS)


def _stepped(run: Run, k: int) -> bool:
    stopped_here = run.outcome in (Outcome.DIVERGED, Outcome.OUT_OF_DOMAIN)
    return not (stopped_here and k == len(run.iterations) - 1)


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
    dl_dy_t = 2 * (torch.tensor(it.y, dtype=dtype) - 0)
    dy_dx_t = torch.tensor(eq.slope(it.x), dtype=dtype)
    dl_dy, dy_dx, chain = dl_dy_t.item(), dy_dx_t.item(), (dl_dy_t * dy_dx_t).item()
    tol = 1e-4 if run.settings.precision == "float32" else 1e-10
    agrees = math.isclose(chain, it.grad, rel_tol=tol, abs_tol=tol)

    sections = [
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
                say("explain.chain", a=fmt(dl_dy), b=fmt(dy_dx), c=fmt(chain)),
                say("explain.agrees" if agrees else "explain.disagrees", g=fmt(it.grad)),
            ),
        ),
    ]
    x_next: float | None = None
    predicted: float | None = None
    if run.settings.optimizer == "newton":
        # Newton's step follows the tangent of f, not the loss: sections ②–④ are its own.
        newton, predicted = newton_lines(run, k, eq, say)
        sections[1:] = [Section(heading, lines) for heading, lines in newton]
        x_next = None if predicted is None else run.next_x(k)
    elif _stepped(run, k):
        lines, predicted = _update_lines(run, k, say)
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
