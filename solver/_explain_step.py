"""The update of an explained iteration, redone with torch's own ops in the run's dtype, so
every digit shown is the one optimizer.step() computed."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ._numbers import article_number as fmt
from ._numbers import given_number, typed_number
from ._run import ADAM_BETAS, ADAM_EPS, MOMENTUM, Run

# The optimizers' constants as the text prints them: 0.9, 0.1, 0.999, 0.001, 1e-8
CONSTANTS = {
    "mu": typed_number(MOMENTUM),
    "b1": typed_number(ADAM_BETAS[0]),
    "c1": typed_number(1 - ADAM_BETAS[0]),
    "b2": typed_number(ADAM_BETAS[1]),
    "c2": typed_number(1 - ADAM_BETAS[1]),
    "eps": typed_number(ADAM_EPS),
}

Say = Callable[..., str]  # t with the language filled in: say(key, **params)


def update_lines(run: Run, k: int, say: Say) -> tuple[list[str], float]:
    """The lines of iteration k's update and the x they compute; lr as the student gave it."""
    dtype = getattr(torch, run.settings.precision)

    def tensor(value: float) -> torch.Tensor:
        return torch.tensor(value, dtype=dtype)

    it = run.iterations[k]
    lr, g, x = run.settings.lr, tensor(it.grad), tensor(it.x)
    shown_lr = given_number(lr)
    prev = run.iterations[k - 1].state if k > 0 else {}
    name = run.settings.optimizer
    if name == "sgd":
        new = x.add(g, alpha=-lr).item()
        return [say("explain.sgd", x=fmt(it.x), lr=shown_lr, g=fmt(it.grad), new=fmt(new))], new
    if name == "momentum":
        if "momentum_buffer" in prev:
            buf = tensor(prev["momentum_buffer"]).mul(MOMENTUM).add(g)
            first = say(
                "explain.momentum",
                prev=fmt(prev["momentum_buffer"]),
                g=fmt(it.grad),
                v=fmt(buf.item()),
                **CONSTANTS,
            )
        else:
            buf = g.clone()
            first = say("explain.momentum_first", g=fmt(it.grad))
        new = x.add(buf, alpha=-lr).item()
        step = say(
            "explain.momentum_step", x=fmt(it.x), lr=shown_lr, v=fmt(buf.item()), new=fmt(new)
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
        say("explain.adam_m", prev=fmt(m_prev), g=fmt(it.grad), m=fmt(m.item()), **CONSTANTS),
        say("explain.adam_v", prev=fmt(v_prev), g=fmt(it.grad), v=fmt(v.item()), **CONSTANTS),
        say("explain.adam_hat", t=step_no, m_hat=fmt(m_hat), v_hat=fmt(v_hat), **CONSTANTS),
        say(
            "explain.adam_step",
            x=fmt(it.x),
            lr=shown_lr,
            m_hat=fmt(m_hat),
            v_hat=fmt(v_hat),
            new=fmt(new),
            **CONSTANTS,
        ),
    ]
    return lines, new
