"""Prediction coding of a run's derived columns: store how far torch's numbers are from ours.

torch derived some of a run's numbers from others of the same run: the loss is y², the next x is
the optimizer's step from this x, and the optimizer's buffers follow their own update rules. This
module recomputes each such number from numbers stored before it, in the run's dtype, and keeps
the difference of the bit patterns, torch's minus ours. Where torch rounds as we do that is 0;
where a kernel fused a multiply-add it is ±1 or so: small either way, and exact, as decoding
recomputes the same prediction from the numbers already decoded and adds the difference back.

Decoding must recompute the prediction bit for bit on any machine, so it uses only +, −, ×, ÷
and √, each rounded once by IEEE 754 (numpy ufuncs, Python floats, never a libm function):
Adam's β^step is taken in double-double arithmetic (`bias.power`), not with `**`.
The predictions follow torch's single-tensor SGD and Adam (torch/optim/sgd.py, adam.py) with the
solver's constants; they are part of the stored format: never change one, add a new kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from solver._run import ADAM_BETAS, ADAM_EPS, MOMENTUM

from .bias import power

# The order decoding goes in: each column's inputs are decoded before it.
ORDER = ("state.momentum_buffer", "state.exp_avg", "state.exp_avg_sq", "x", "y", "loss")
DTYPES: dict[str, type[np.floating[Any]]] = {"float32": np.float32, "float64": np.float64}
_WORD = {np.float32: np.uint32, np.float64: np.uint64}
_STATE = {
    "sgd": (),
    "momentum": ("state.momentum_buffer",),
    "adam": ("state.exp_avg", "state.exp_avg_sq", "state.step"),
}
Array = np.ndarray[Any, Any]
# Row i's predicted value from row i − 1's true one (0.0 before row 0), asked for i = 0, 1, 2, …
# in order; or all rows at once.
Rule = Callable[[int, Any], Any] | Array


def predictable(
    name: str, settings: Mapping[str, Any], columns: Mapping[str, Sequence[Any]]
) -> bool:
    """Whether `name` has a prediction for this run, every input of it at hand."""
    state = _STATE.get(settings.get("optimizer", ""))
    if state is None or settings.get("precision") not in DTYPES:
        return False
    if name in ("loss", "y"):
        return True
    if name == "x":  # row i's state moved x_i to x_{i+1}
        n = len(columns["x"])
        if not all(key in columns and len(columns[key]) >= n - 1 for key in state):
            return False
        steps = np.array(columns.get("state.step", ())[: n - 1], dtype=np.float64)
        return bool(np.all((steps >= 1) & (steps < 2**31) & (steps == np.floor(steps))))
    return name in state and name != "state.step"


def residuals(
    name: str, values: Sequence[float], inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> Array:
    """The column's bit patterns minus the predicted ones, zigzagged: 0, −1, 1 become 0, 1, 2."""
    dtype = DTYPES[settings["precision"]]
    actual = np.array(values, dtype=dtype)
    with np.errstate(all="ignore"):
        rule = _rule(name, inputs, settings, len(actual))
        if isinstance(rule, np.ndarray):
            guessed = rule
        else:
            before = [0.0, *_scalars(dtype, actual[:-1])]
            guessed = np.array([rule(i, b) for i, b in enumerate(before)], dtype=dtype)
    word = _WORD[dtype]
    diff = actual.view(word) - guessed.view(word)  # wraps: decoding adds it back, wrapping too
    zigzag: Array = (diff << word(1)) ^ (0 - (diff >> word(8 * diff.itemsize - 1)))
    return zigzag


def restore(
    name: str, zigzag: Array, inputs: Mapping[str, Any], settings: Mapping[str, Any]
) -> list[float]:
    """The column `residuals` gave `zigzag` for, from the same inputs."""
    dtype = DTYPES[settings["precision"]]
    word = _WORD[dtype]
    diff = (zigzag >> word(1)) ^ (0 - (zigzag & word(1)))
    values = np.empty(len(zigzag), dtype=dtype)
    bits = values.view(word)
    with np.errstate(all="ignore"):
        rule = _rule(name, inputs, settings, len(values))
        if isinstance(rule, np.ndarray):
            bits[:] = rule.view(word) + diff
        else:
            # Each rule sees the previous value as `residuals` gave it: a Python float for
            # float64, a numpy float32 (never a Python float that float32 would round).
            wide, previous = dtype is np.float64, 0.0
            read = values.item if wide else values.__getitem__
            for i, step in enumerate(diff.tolist()):
                values[i] = guess = rule(i, previous)
                if step:
                    bits[i] += word(step)  # wraps as the subtraction did
                previous = guess if wide and not step else read(i)
    result: list[float] = values.astype(np.float64).tolist()
    return result


def _scalars(dtype: type, array: Array) -> list[Any]:
    """Fast exact scalars for a loop: Python floats for float64, numpy ones for float32."""
    return array.tolist() if dtype is np.float64 else list(array)


def _rule(name: str, inputs: Mapping[str, Any], settings: Mapping[str, Any], n: int) -> Rule:
    dtype = DTYPES[settings["precision"]]

    def column(key: str, rows: int = n) -> Array:
        return np.array(inputs[key][:rows], dtype=dtype)

    grad = column("grad")
    g = _scalars(dtype, grad)
    if name == "y":
        return _taylor(_scalars(dtype, column("x")), g)
    if name == "loss":  # MSELoss of one element: (y − 0)², divided by 1
        y = column("y")
        return y * y
    if name == "state.momentum_buffer":  # b_0 = g_0, then b·μ + g
        mu = _scalars(dtype, np.array([MOMENTUM], dtype))[0]
        return lambda i, b: mu * b + g[i] if i else g[0]
    if name == "state.exp_avg":  # lerp(m, g, 1 − β1) as torch's lerp: m + w·(g − m)
        w = _scalars(dtype, np.array([1 - ADAM_BETAS[0]], dtype))[0]
        if dtype is np.float64:
            return lambda i, m: m + w * (g[i] - m)
        wide = float(w)  # torch's lerp fuses w·(g − m) + m; a float32 product is exact in float64
        return lambda i, m: np.float32(float(m) + wide * float(g[i] - m))
    if name == "state.exp_avg_sq":  # v·β2 + (1 − β2)·g·g, in addcmul's order
        beta2, c = _scalars(dtype, np.array([ADAM_BETAS[1], 1 - ADAM_BETAS[1]], dtype))
        squares = _scalars(dtype, c * grad * grad)
        return lambda i, v: v * beta2 + squares[i]
    x0 = _scalars(dtype, np.array([settings["x0"]], dtype))[0]
    optimizer = settings["optimizer"]
    if optimizer == "adam":
        move = _adam_moves(inputs, settings, n - 1)
        moves = _scalars(dtype, move)
        return lambda i, x: x + moves[i - 1] if i else x0
    pull = grad[: n - 1] if optimizer == "sgd" else column("state.momentum_buffer", n - 1)
    lr = np.array([settings["lr"]], dtype)
    if dtype is np.float64:  # x + (−lr)·g, rounded twice
        steps = (-lr * pull).tolist()
        return lambda i, x: x + steps[i - 1] if i else x0
    # torch's add(alpha=) fuses the multiply-add: the float32 product is exact in float64.
    products = (-lr.astype(np.float64) * pull.astype(np.float64)).tolist()
    return lambda i, x: np.float32(products[i - 1] + float(x)) if i else x0


def _adam_moves(inputs: Mapping[str, Any], settings: Mapping[str, Any], rows: int) -> Array:
    """What Adam's step of each row added to x: (−step_size·m) / (√v / √(1 − β2^t) + eps)."""
    dtype = DTYPES[settings["precision"]]
    steps = np.array(inputs["state.step"][:rows], dtype=np.float64)
    # torch takes these in Python floats, and rounds them to the dtype where they meet tensors.
    step_size = (settings["lr"] / (1 - power(ADAM_BETAS[0], steps))).astype(dtype)
    correction = np.sqrt(1 - power(ADAM_BETAS[1], steps)).astype(dtype)
    exp_avg = np.array(inputs["state.exp_avg"][:rows], dtype=dtype)
    exp_avg_sq = np.array(inputs["state.exp_avg_sq"][:rows], dtype=dtype)
    denom = np.sqrt(exp_avg_sq) / correction + dtype(ADAM_EPS)
    moves: Array = (-step_size * exp_avg) / denom
    return moves


def _taylor(x: list[Any], g: list[Any]) -> Callable[[int, Any], Any]:
    """y_i from y_{i−1} by Taylor's formula to second order: f' = (dL/dx) / 2y, f'' from f'."""
    slopes: list[Any] = []

    def y(i: int, before: Any) -> Any:
        if not i:
            return before
        twice = before + before
        slopes.append(g[i - 1] / twice if twice else 0.0)  # Python floats raise on ÷ 0
        step = x[i] - x[i - 1]
        bend: Any = 0.0
        if i >= 2 and (span := x[i - 1] - x[i - 2]):
            bend = (slopes[-1] - slopes[-2]) / span
        return before + step * (slopes[-1] + bend * step / 2)

    return y
