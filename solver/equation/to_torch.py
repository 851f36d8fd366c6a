"""f as torch operations: closures built once, evaluated per iteration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .nodes import ARITHMETIC, Node
from .tokens import FUNCTIONS

TorchFn = Callable[[torch.Tensor], Any]

_TORCH = {name: getattr(torch, name) for name in FUNCTIONS}


def compile_torch(node: Node) -> TorchFn:
    """f as nested closures, built once: evaluating it then costs a call per node, no tree walk.

    Constants stay Python scalars, so `x**2 - 2` is exactly the article's graph and reproduces
    its float32 numbers.
    """
    if node.value is not None:
        constant = _scalar(node.value)
        return lambda x: constant
    if node.op == "x":
        return lambda x: x
    parts = [compile_torch(a) for a in node.args]
    if node.op == "neg":
        (inner,) = parts
        return lambda x: -inner(x)
    if node.op in _TORCH:
        fn, (inner,) = _TORCH[node.op], parts
        return lambda x: fn(inner(x))
    op, (left, right) = ARITHMETIC[node.op], parts
    if node.args[1].value is not None:
        constant = _scalar(node.args[1].value)
        return lambda x: op(left(x), constant)
    return lambda x: op(left(x), right(x))


def _scalar(value: float) -> int | float:
    """Integer-valued constants stay Python ints, as in the article's `x**2 - 2`."""
    return int(value) if value.is_integer() and abs(value) <= 2**53 else value
