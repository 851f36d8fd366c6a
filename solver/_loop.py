"""The article's loop: zero_grad → y = f(x) → MSELoss → backward → record → step."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import torch
from torch import nn

from ._batch_optim import make_batch_optimizer, make_optimizer
from ._outcome import HUGE_LOSS, HUGE_X, classify_trouble
from ._run import Iteration, Outcome, Run, Settings, SettingsError
from ._start import Progress, start
from .equation import parse_equation

MAX_BATCH = 64


def _state_columns(optimizer: torch.optim.Optimizer, x: torch.Tensor) -> dict[str, list[float]]:
    """The optimizer's per-row state after a step, one list per buffer (Adam's step repeated)."""
    state = optimizer.state.get(x)
    if not state:
        return {}
    names = ("momentum_buffer", "exp_avg", "exp_avg_sq")
    columns = {n: state[n].tolist() for n in names if n in state}
    if "step" in state:
        columns["step"] = [float(state["step"])] * x.shape[0]
    return columns


def looks_fine(x: float, y: float, loss: float, grad: float) -> bool:
    """All four numbers are finite and within the cutoffs (else classify_trouble looks closer)."""
    # Comparisons with NaN are False, so this is also a finiteness test; only when it
    # fails does classify_trouble look closer (it evaluates f in float64).
    return abs(x) <= HUGE_X and abs(y) < math.inf and loss <= HUGE_LOSS and abs(grad) < math.inf


def solve(
    settings: Settings, *, max_seconds: float | None = None, progress: Progress | None = None
) -> Run:
    """Run gradient descent on f(x) = 0 exactly as the article does, with torch.optim.

    Each iteration records x, y, the loss and dL/dx before the step. The run takes
    all its steps unless x diverges or leaves f's domain, or `max_seconds` passes.
    Raises EquationError when `settings.equation` does not parse. A "newton" run is
    Newton's method (solver._newton) with the same record.
    """
    if settings.optimizer == "newton":
        from ._newton import solve_newton  # it builds on this module's helpers

        return solve_newton(settings, max_seconds=max_seconds, progress=progress)
    begun = start(settings, [settings.x0], max_seconds, progress)
    eq, x, target, progress = begun.eq, begun.x, begun.target, begun.progress
    loss_fn = nn.MSELoss()
    opt = make_optimizer(settings.optimizer, x, settings.lr)
    stateful = settings.optimizer != "sgd"
    iterations: list[Iteration] = []
    trouble: Outcome | None = None
    for k in range(settings.steps):
        if begun.out_of_time():
            trouble = Outcome.TIMED_OUT
            break
        opt.zero_grad()
        y = eq.torch(x)
        loss = loss_fn(y, target)
        loss.backward()
        xv, yv, lv = x.item(), y.item(), loss.item()
        gv = x.grad.item() if x.grad is not None else 0.0
        progress.k, progress.x, progress.loss = k, xv, lv
        if not looks_fine(xv, yv, lv, gv):
            trouble = classify_trouble(eq, xv, yv, lv, gv)
            if trouble is not None:
                iterations.append(Iteration(k, xv, yv, lv, gv))
                break
        opt.step()
        if stateful:
            state = {name: column[0] for name, column in _state_columns(opt, x).items()}
            iterations.append(Iteration(k, xv, yv, lv, gv, state))
        else:
            iterations.append(Iteration(k, xv, yv, lv, gv))
    return begun.finish(settings, iterations, trouble)


def solve_batch(
    settings: Settings,
    lrs: Sequence[float],
    *,
    x0s: Sequence[float] | None = None,
    max_seconds: float | None = None,
    progress: Progress | None = None,
) -> list[Run]:
    """Run `settings` at every learning rate in `lrs` as one batched tensor through one loop.

    Row i is `settings` with lr = lrs[i] (and x0 = x0s[i] when given) and gives the same
    iterations as `solve` of those settings. A row that diverges stops being recorded while
    the others go on. Newton's method has no batched form: SettingsError.
    """
    if settings.optimizer == "newton":
        raise SettingsError("unknown_optimizer", "a batched run needs sgd, momentum or adam")
    eq = parse_equation(settings.equation)
    starts = [settings.x0] * len(lrs) if x0s is None else list(x0s)
    if len(starts) != len(lrs) or not 1 <= len(lrs) <= MAX_BATCH:
        raise SettingsError(
            "batch_size", f"give 1 to {MAX_BATCH} settings, x0s and lrs alike", max=MAX_BATCH
        )
    all_settings = [replace(settings, x0=x0, lr=lr) for x0, lr in zip(starts, lrs, strict=True)]
    steps, optimizer, n = settings.steps, settings.optimizer, len(all_settings)
    begun = start(settings, starts, max_seconds, progress, eq)
    x, target, progress = begun.x, begun.target, begun.progress
    lr_t = torch.tensor([s.lr for s in all_settings], dtype=torch.float64)
    # A sum of per-row squares gives each row exactly the gradient of its own MSELoss.
    loss_fn = nn.MSELoss(reduction="sum")
    opt = make_batch_optimizer(optimizer, x, lr_t)
    rows: list[list[Iteration]] = [[] for _ in range(n)]
    troubles: list[Outcome | None] = [None] * n
    for k in range(steps):
        active = [i for i in range(n) if troubles[i] is None]
        if not active:
            break
        if begun.out_of_time():
            for i in active:
                troubles[i] = Outcome.TIMED_OUT
            break
        opt.zero_grad()
        y = eq.torch(x)
        loss_fn(y, target).backward()
        with torch.no_grad():
            losses = (y - target) ** 2
        xs, ys, ls = x.tolist(), y.tolist(), losses.tolist()
        gs = x.grad.tolist() if x.grad is not None else [0.0] * n
        progress.k, progress.x, progress.loss = k, xs[active[0]], ls[active[0]]
        for i in active:
            if not looks_fine(xs[i], ys[i], ls[i], gs[i]):
                troubles[i] = classify_trouble(eq, xs[i], ys[i], ls[i], gs[i])
        opt.step()
        columns = _state_columns(opt, x)
        for i in active:
            if columns and troubles[i] is None:
                state = {name: column[i] for name, column in columns.items()}
                rows[i].append(Iteration(k, xs[i], ys[i], ls[i], gs[i], state))
            else:
                rows[i].append(Iteration(k, xs[i], ys[i], ls[i], gs[i]))
    return [
        begun.finish(settings, rows[i], troubles[i], i) for i, settings in enumerate(all_settings)
    ]
