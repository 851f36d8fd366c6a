"""Tick positions and their labels: a few round values, labelled as briefly as is honest."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import MaxNLocator

from .._numbers import superscript


def linear_ticks(lo: float, hi: float, integer: bool = False) -> tuple[np.ndarray, list[str]]:
    """About four round ticks within [lo, hi], with the shortest labels that tell them apart."""
    locator = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10], integer=integer)
    ticks = np.asarray(locator.tick_values(lo, hi), dtype=np.float64)
    ticks = ticks[(ticks >= lo) & (ticks <= hi)]
    return ticks, tick_labels(ticks)


def tick_labels(ticks: np.ndarray) -> list[str]:
    """Labels as short as possible, yet distinct and each within 1e-3 of a step of its tick."""
    if ticks.size == 0:
        return []
    step = float(np.min(np.diff(ticks))) if ticks.size > 1 else abs(float(ticks[0])) or 1.0
    biggest = float(np.max(np.abs(ticks)))
    scientific = biggest >= 1e6 or 0 < biggest < 1e-3
    labels: list[str] = []
    for digits in range(12):
        labels = [_tick_label(float(t), digits, scientific) for t in ticks]
        close = all(
            abs(float(s.replace("−", "-")) - t) <= 1e-3 * step
            for s, t in zip(labels, ticks, strict=True)
        )
        if close and len(set(labels)) == len(labels):
            break
    return labels


def _tick_label(value: float, digits: int, scientific: bool) -> str:
    if value == 0:
        return "0"
    if scientific:
        mantissa, exponent = f"{value:.{digits}e}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    else:
        text = f"{value:.{digits}f}"
    return text.replace("-", "−")


_DECADE_STEPS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120)


def log_ticks(lo: float, hi: float) -> tuple[float, float, list[float], list[str]]:
    """Limits around [lo, hi] (lo > 0) and at most six decade ticks labelled 10ⁿ."""
    a, b = math.log10(lo), math.log10(hi)
    pad = max(0.05 * (b - a), 0.1)
    a, b = max(a - pad, -300.0), min(b + pad, 300.0)
    if math.floor(b) - math.ceil(a) < 1:  # fewer than two decades inside: show two
        a, b = math.floor(a), math.ceil(b)
    every = next((n for n in _DECADE_STEPS if (math.floor(b) - math.ceil(a)) / n <= 5.5), 150)
    powers = list(range(every * math.ceil(a / every), math.floor(b) + 1, every))
    labels = ["10" + superscript(str(p)) for p in powers]
    return 10.0**a, 10.0**b, [10.0**p for p in powers], labels
