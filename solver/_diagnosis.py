"""Why a run ended as it did: its outcome and hint, from its numbers and its optimizer's maths.

Near a simple root x*, L = f² is a parabola of curvature L''(x*) = 2f'(x*)². Plain SGD
multiplies the error by 1 − lr·L'' per step, so it settles only for lr < 2 / L''. Heavy-ball
momentum (v ← βv + g, x ← x − lr·v) has the characteristic roots of
λ² − (1 + β − lr·L'')λ + β, inside the unit circle only for lr < 2(1 + β) / L''. Adam divides
by √v̂ ≈ |g|, so its steps are about lr whatever the gradient: no bound of this kind. At a
multiple root f' = 0 too, L'' = 0, and the pull fades faster than the distance: sublinear.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from ._remedies import advice, freeze_point, range_hint, stall_distance
from ._roots import Root, exact_value, least_value, nearest
from ._run import HUGE_LOSS, HUGE_X, MOMENTUM, Hint, Iteration, Outcome, Settings
from .equation import Equation
from .equation.rounding import noise, resolution, spacing

REACH = 16  # converged: x within this many times what the precision can resolve of the root
FLAT = 1e-3  # |f'| this small against the steepest slope the path saw: a stationary point
FROZEN = 5  # steps without any change of x that say x cannot move
ADAM_NEAR = 10  # within this many lr of the root, Adam hovers rather than travels


def stability_bound(eq: Equation, root: Root | None, optimizer: str) -> float | None:
    """The largest lr with which SGD (2 / L'') or momentum (2(1 + β) / L'') settles at root."""
    if root is None or root.multiple or optimizer == "adam":
        return None
    slope = eq.slope(root.x)
    if not math.isfinite(slope) or slope == 0:
        return None
    curvature = slope * slope  # L'' / 2 with L'' = 2f'²
    if not 0 < curvature < math.inf:  # f' = 1e-300 squares to 0: no bound a float can state
        return None
    bound = 1.0 / curvature  # 2 / L''
    return bound * (1 + MOMENTUM) if optimizer == "momentum" else bound


def stop_cause(eq: Equation, last: Iteration) -> str:
    """Which limit stopped a diverged run: overflow, the loss cutoff or the x cutoff."""
    if math.isfinite(last.x) and abs(last.x) > HUGE_X:
        return "x_cutoff"
    if math.isfinite(last.loss) and last.loss > HUGE_LOSS:
        return "loss_cutoff"
    return "overflow"


def converged(eq: Equation, x: float, root: Root | None, precision: str) -> bool:
    """x is within REACH times what the precision can resolve of the true root, or f(x) is
    within the rounding noise of 0 (all a precision can say near a multiple root)."""
    if root is None or not math.isfinite(x):
        return False
    # At a multiple root f' = 0, so noise / f' says nothing: only f(x) against its noise does.
    blur = spacing(root.x, precision) if root.multiple else resolution(eq, root.x, precision)
    if abs(x - root.x) <= REACH * blur:
        return True
    # Far from a simple root, f may also round to 0 (−3x − 3x² + 3x² at x = −7.8e8 in
    # float32, where 3x² swallows 3x): that is rounding, not a root.
    return root.multiple and abs(eq.value(x)) <= noise(eq, x, precision)


def _step(settings: Settings, last: Iteration) -> float:
    """The size of the update the optimizer made from the last iteration's numbers."""
    state = last.state
    if settings.optimizer == "momentum" and "momentum_buffer" in state:
        return abs(settings.lr * float(state["momentum_buffer"]))
    if settings.optimizer == "adam" and "exp_avg" in state:
        t = float(state["step"])
        m_hat = float(state["exp_avg"]) / (1 - math.pow(0.9, t))
        v_hat = float(state["exp_avg_sq"]) / (1 - math.pow(0.999, t))
        return abs(settings.lr * m_hat / (math.sqrt(v_hat) + 1e-8))
    return abs(settings.lr * last.grad)


def _frozen(iterations: Sequence[Iteration], final_x: float) -> bool:
    tail = [it.x for it in iterations[-FROZEN:]] + [final_x]
    return len(tail) > FROZEN and all(x == final_x for x in tail)


def _shape(eq: Equation, x: float) -> str:
    """valley (L has a minimum), hump (a maximum) or flat (f' touches 0): L'' = 2f·f'' there."""
    h = 1e-4 * max(1.0, abs(x))
    curvature = (eq.slope(x + h) - eq.slope(x - h)) / (2 * h)
    value = eq.value(x)
    if not math.isfinite(curvature) or abs(curvature * value) <= 1e-6 * abs(value):
        return "flat"
    if (eq.slope(x - h) < 0) == (eq.slope(x + h) < 0):
        return "flat"
    return "valley" if curvature * value > 0 else "hump"


def _on_tail(eq: Equation, x: float, root: float) -> bool:
    """x is out on a tail of f away from the root: farther out f keeps its sign and |f'|
    only fades (1/x − 0.001 past 1e6), so the loss is flat there without a stationary point."""
    away = math.copysign(max(1.0, abs(x)), x - root)
    value, slope = eq.value(x), abs(eq.slope(x))
    for k in range(1, 20):
        out = x + away * 2.0**k
        f_out, s_out = eq.value(out), abs(eq.slope(out))
        if not (math.isfinite(f_out) and (f_out < 0) == (value < 0) and s_out <= slope):
            return False
    # slope 0 here and farther out: f' underflowed on an asymptote (tanh(x) − ½ past x = 19)
    return True


def _no_root_hint(eq: Equation, settings: Settings, path: list[float], final_x: float) -> Hint:
    least = least_value(eq, final_x if math.isfinite(final_x) else settings.x0, path)
    if least is None:
        return Hint("no_real_root_anywhere")
    if least.at_infinity:
        return Hint("no_root_tends", at_x=least.x, f_at=least.f)
    key = "no_real_root_polynomial" if eq.is_polynomial else "no_real_root_anywhere"
    return Hint(key, at_x=least.x, f_at=least.f)


def diagnose(
    eq: Equation,
    settings: Settings,
    iterations: list[Iteration],
    final_x: float,
    trouble: Outcome | None,
) -> tuple[Outcome, Root | None, Hint | None]:
    """The outcome, the nearest true root and the hint of a finished loop."""
    if settings.optimizer == "newton":
        return diagnose_newton(eq, settings, iterations, final_x, trouble)
    path = [it.x for it in iterations] + [final_x]
    # A diverged x is far from everything: the root that matters is the one near the start.
    near = settings.x0 if trouble is Outcome.DIVERGED else final_x
    root = nearest(eq, near, fallback=settings.x0, path=path)
    bound = stability_bound(eq, root, settings.optimizer)
    above = None if bound is None else settings.lr > bound
    kind = None if bound is None else settings.optimizer
    done = len(iterations)
    if trouble is Outcome.TIMED_OUT or not iterations:
        key = (
            "timed_out_converged"
            if converged(eq, final_x, root, settings.precision)
            else "timed_out"
        )
        return Outcome.TIMED_OUT, root, Hint(key, bound, above, kind, done=done)
    if trouble is Outcome.OUT_OF_DOMAIN:
        return trouble, root, Hint("out_of_domain", bound, above, kind, at_x=final_x)
    limit = range_hint(eq, settings, root)
    if limit is not None:
        cause = stop_cause(eq, iterations[-1]) if trouble is Outcome.DIVERGED else None
        outcome = trouble or (
            Outcome.STUCK if _frozen(iterations, final_x) else Outcome.STILL_MOVING
        )
        return outcome, root, replace(limit, cause=cause)
    if trouble is Outcome.DIVERGED:
        cause = stop_cause(eq, iterations[-1])
        if root is None:
            hint = _no_root_hint(eq, settings, path[:-1], settings.x0)
            return trouble, None, Hint(hint.key, at_x=hint.at_x, f_at=hint.f_at, cause=cause)
        if len(iterations) == 1:  # x0 itself is past the limits: no step was taken
            return trouble, root, Hint("diverged_at_start", cause=cause)
        if settings.optimizer == "adam":
            return trouble, root, Hint("adam_diverged", cause=cause)
        key = "lr_too_large" if above else ("diverged_far_start" if above is False else "diverged")
        return trouble, root, Hint(key, bound, above, kind, cause=cause)
    if converged(eq, final_x, root, settings.precision):
        return Outcome.CONVERGED, root, None
    last = iterations[-1]
    steepest = max((abs(eq.slope(x)) for x in path[:: max(1, len(path) // 200)]), default=0.0)
    slope, value = eq.slope(final_x), eq.value(final_x)
    stationary = last.grad == 0 or (
        math.isfinite(slope) and abs(slope) <= FLAT * steepest and value != 0
    )
    frozen = _frozen(iterations, final_x)
    moved = abs(final_x - last.x)
    settling = frozen or (root is None or moved <= FLAT * abs(final_x - root.x))
    if root is None:
        outcome = Outcome.STUCK if frozen else Outcome.STILL_MOVING
        return outcome, None, _no_root_hint(eq, settings, path, final_x)
    if last.y == 0 and value != 0 and math.isfinite(value):
        # The run's precision computed f = 0 where f is not: its terms cancelled in rounding.
        remedy = advice(eq, settings, final_x, root.x)
        key = f"f_rounds_to_zero_{settings.precision}"
        return Outcome.STUCK, root, replace(remedy, key=key, at_x=final_x, f_at=value)
    if last.grad == 0 and slope != 0 and value != 0 and math.isfinite(slope * value):
        # f and f' are not 0, so dL/dx = 2f·f' is not either: it underflowed the precision.
        remedy = advice(eq, settings, final_x, root.x)
        key = f"gradient_underflow_{settings.precision}"
        return Outcome.STUCK, root, replace(remedy, key=key, at_x=final_x, f_at=value)
    if stationary and settling:
        tail = _on_tail(eq, final_x, root.x)
        key = "hint.stuck.tail" if tail else f"stuck_{_shape(eq, final_x)}"
        return Outcome.STUCK, root, Hint(key, at_x=final_x, f_at=value)
    if frozen:
        gap = spacing(final_x, settings.precision) / 2
        key = f"below_resolution_{settings.precision}"
        step = _step(settings, last)
        if bound is not None and step and settings.lr * 2 * gap / step >= bound:
            # the lr that would move x here is past the bound at the root: it could not settle
            key = f"below_resolution_unstable_{settings.precision}"
        return Outcome.STUCK, root, Hint(key, bound, above, kind, final_x, value, step, gap)
    if settings.optimizer == "adam":
        distance = abs(final_x - root.x)
        key = "adam_hovering" if distance <= ADAM_NEAR * settings.lr else "adam_far"
        return Outcome.STILL_MOVING, root, Hint(key, distance=distance)
    if root.multiple:
        # the pull fades like a power of the distance: the floats may stop x well before x*
        freeze = freeze_point(eq, settings, final_x, root.x)
        if freeze is None or converged(eq, freeze, root, settings.precision):
            return Outcome.STILL_MOVING, root, Hint("double_root")
        gap, distance = spacing(freeze, settings.precision) / 2, abs(freeze - root.x)
        stop = f"freeze_{settings.precision}"
        hint = Hint("double_root", at_x=freeze, spacing=gap, distance=distance, advice=stop)
        return Outcome.STILL_MOVING, root, hint
    if above:
        return Outcome.STILL_MOVING, root, Hint("oscillating", bound, above, kind)
    stall = stall_distance(eq, settings, root)
    freeze = None if bound is None else freeze_point(eq, settings, final_x, root.x)
    linear = stall < abs(final_x - root.x)  # else the picture near the root cannot hold
    if freeze is not None and (not linear or abs(freeze - root.x) > 2 * stall):
        # x stops long before the root's neighbourhood, where the linear picture holds
        gap, distance = spacing(freeze, settings.precision) / 2, abs(freeze - root.x)
        key = f"hint.freeze.far_{settings.precision}"
        hint = Hint(key, bound, above, kind, at_x=freeze, spacing=gap, distance=distance)
        return Outcome.STILL_MOVING, root, hint
    if bound is not None and stall > REACH * resolution(eq, root.x, settings.precision):
        gap = spacing(root.x, settings.precision) / 2
        key = f"will_freeze_{settings.precision}"
        return (
            Outcome.STILL_MOVING,
            root,
            Hint(key, bound, above, kind, spacing=gap, distance=stall),
        )
    return Outcome.STILL_MOVING, root, Hint(_more_steps(settings, bound, kind), bound, above, kind)


# Within this fraction of 1/L''(x*), lr is called the fastest: no other advice.
FASTEST_BAND = 0.05


def _more_steps(settings: Settings, bound: float | None, kind: str | None) -> str:
    """The more-steps hint, with which way lr speeds it up where that is known: near a simple
    root SGD multiplies the distance by |1 − lr·L''(x*)| each step, least at lr = 1/L''(x*),
    half the bound. Past that lr x overshoots near the root each step, and a larger lr is
    slower."""
    if kind != "sgd" or bound is None:
        return "more_steps"
    fastest = bound / 2
    if settings.lr < fastest * (1 - FASTEST_BAND):
        return "more_steps_larger"
    if settings.lr > fastest * (1 + FASTEST_BAND):
        return "more_steps_smaller"
    return "more_steps"


def diagnose_newton(
    eq: Equation,
    settings: Settings,
    iterations: list[Iteration],
    final_x: float,
    trouble: Outcome | None,
) -> tuple[Outcome, Root | None, Hint | None]:
    """Newton's method has no learning rate, so no lr bound: it converges, stops at a flat
    tangent (f'(x_k) = 0, the loop's STUCK), runs away, freezes short of a root, or wanders
    (cycles, or still on its way) within its steps."""
    path = [it.x for it in iterations] + [final_x]
    near = settings.x0 if trouble is Outcome.DIVERGED else final_x
    root = nearest(eq, near, fallback=settings.x0, path=path)
    if trouble is Outcome.TIMED_OUT or not iterations:
        key = (
            "timed_out_converged"
            if converged(eq, final_x, root, settings.precision)
            else "timed_out"
        )
        return Outcome.TIMED_OUT, root, Hint(key, done=len(iterations))
    if trouble is Outcome.OUT_OF_DOMAIN:
        return trouble, root, Hint("out_of_domain", at_x=final_x)
    if trouble is Outcome.DIVERGED:
        cause = stop_cause(eq, iterations[-1])
        if root is None:
            hint = _no_root_hint(eq, settings, path[:-1], settings.x0)
            return trouble, None, Hint(hint.key, at_x=hint.at_x, f_at=hint.f_at, cause=cause)
        return trouble, root, Hint("newton_diverged", cause=cause)
    if converged(eq, final_x, root, settings.precision):
        return Outcome.CONVERGED, root, None
    value = eq.value(final_x)
    frozen = _frozen(iterations, final_x)
    if root is None:
        outcome = Outcome.STUCK if frozen or trouble is Outcome.STUCK else Outcome.STILL_MOVING
        return outcome, None, _no_root_hint(eq, settings, path, final_x)
    if trouble is Outcome.STUCK:
        # The loop saw f'(x_k) = 0 in the run's precision; float64 says whether it truly is.
        exact = exact_value(eq.derivative, final_x)
        key = "newton_zero_slope" if exact == 0 else "newton_slope_rounds_to_zero"
        return Outcome.STUCK, root, Hint(key, at_x=final_x, f_at=value)
    if frozen:
        return Outcome.STUCK, root, Hint("newton_frozen", at_x=final_x, f_at=value)
    if root.multiple:  # f' = 0 at the root too: each step only halves (x²) the distance
        distance = abs(final_x - root.x)
        return Outcome.STILL_MOVING, root, Hint("newton_double_root", distance=distance)
    return Outcome.STILL_MOVING, root, Hint("newton_wandering", at_x=final_x, f_at=value)
