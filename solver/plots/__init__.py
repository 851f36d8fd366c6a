"""The pictures of a run as PNG bytes, drawn with matplotlib's object API (never pyplot).

render: the per-thread figures and the PNG; convergence and compare: the two pictures;
data: the numbers they draw; axes and ticks: panels and their labels; style and words:
how they look and what they say.
"""

from .render import comparison_figure, convergence_figure, render_comparison, render_convergence

__all__ = ["comparison_figure", "convergence_figure", "render_comparison", "render_convergence"]
