"""The tree as an exact text: two equations with the same text compute the same f everywhere.

Numbers are written as float.hex, so values that print alike but differ (1e-17 + x and x,
0.1 and 0.1000000000000001) never share a text; spacing, `^` or `**`, `2x` or `2*x` do.
"""

from __future__ import annotations

from .nodes import Node


def canonical_text(node: Node) -> str:
    """`(- (^ x 0x1.0000000000000p+1) 0x1.0000000000000p+1)` for both `x^2-2` and `x**2 - 2`."""
    if node.op == "num":
        assert node.value is not None  # numbers always have their value
        return node.value.hex()
    if not node.args:
        return node.op  # x, pi, e
    return f"({node.op} {' '.join(canonical_text(arg) for arg in node.args)})"
