"""The pictures of a run as PNG bytes, drawn with matplotlib's object API (never pyplot).

prepare: a run turned into plain arrays and words (pictures), with torch, in the worker;
draw: those drawn into a PNG with matplotlib only, in a lean drawing process; render: both
in one call. convergence and compare: the two figures; data: the numbers they draw; ranges:
axis ranges and long series cut to pixel columns; axes and ticks: panels and their labels;
style and words: how they look and what they say. The Animate button's GIF goes the same
way: animation_prepare (worker, torch) makes an animation_picture whose frames
animation_frames chose, and animation draws it without torch.

The names below load on first use, so that a drawing process importing solver.plots.draw
never loads torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .render import (
        comparison_figure,
        convergence_figure,
        render_comparison,
        render_convergence,
        render_race,
    )

__all__ = [
    "comparison_figure",
    "convergence_figure",
    "render_comparison",
    "render_convergence",
    "render_race",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(".render", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
