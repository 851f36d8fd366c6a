"""The pictures: valid opaque PNGs of the promised size, the right artists, any run, any thread."""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from solver import parse_equation, render_comparison, render_convergence
from solver._run import Iteration, Outcome, Run, Settings
from solver.plots import comparison_figure, convergence_figure, data, words
from solver.plots.ticks import log_ticks, tick_labels

pytestmark = pytest.mark.filterwarnings("error")

SIZE = (1200, 500)
RED = np.array([207, 34, 46])


def gd_run(
    f: Callable[[np.float32], np.float32],
    df: Callable[[np.float32], np.float32],
    x0: float = 1.0,
    lr: float = 0.01,
    steps: int = 100,
    equation: str = "x**2 - 2",
    root: float | None = math.sqrt(2),
) -> Run:
    """The article's loop in float32 numpy: record x, y, loss, dL/dx, then x -= lr * dL/dx."""
    x, rate, iterations = np.float32(x0), np.float32(lr), []
    outcome = Outcome.CONVERGED
    with np.errstate(all="ignore"):
        for k in range(steps):
            y = f(x)
            loss, grad = y * y, np.float32(2) * y * df(x)
            iterations.append(Iteration(k, float(x), float(y), float(loss), float(grad)))
            if not (np.isfinite(loss) and np.isfinite(grad) and loss < 1e30):
                outcome = Outcome.DIVERGED
                break
            x = x - rate * grad
    final = iterations[-1].x if outcome is Outcome.DIVERGED else float(x)
    settings = Settings(equation=equation, x0=x0, lr=lr, steps=steps)
    return Run(settings, iterations, final, outcome, root)


def square_run(x0: float = 1.0, lr: float = 0.01, steps: int = 100) -> Run:
    return gd_run(lambda x: x * x - np.float32(2), lambda x: np.float32(2) * x, x0, lr, steps)


def made_run(
    xs: list[float],
    losses: list[float],
    final: float,
    outcome: Outcome,
    equation: str = "x**2 - 2",
    root: float | None = None,
) -> Run:
    its = [
        Iteration(k, x, math.nan, loss, math.nan)
        for k, (x, loss) in enumerate(zip(xs, losses, strict=True))
    ]
    # Settings refuse a non-finite x0; the picture reads only its iterations.
    x0 = xs[0] if xs and math.isfinite(xs[0]) else 1.0
    settings = Settings(equation=equation, x0=x0, lr=0.01, steps=max(len(xs), 1))
    return Run(settings, its, final, outcome, root)


def decode(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == SIZE
    pixels = np.asarray(image.convert("RGBA"))
    assert (pixels[..., 3] == 255).all(), "the card must be opaque"
    assert pixels[..., :3].std() > 20, "the picture is blank"
    return pixels[..., :3].astype(int)


def red_pixels(pixels: np.ndarray, box: tuple[int, int, int, int]) -> int:
    """Pixels close to the roots' red inside box = (left, top, right, bottom) in image pixels."""
    left, top, right, bottom = box
    patch = pixels[top:bottom, left:right]
    return int((np.abs(patch - RED).sum(axis=2) < 60).sum())


def image_box(ax: object, x: float, y: float, radius: int = 14) -> tuple[int, int, int, int]:
    px, py = ax.transData.transform((x, y))  # type: ignore[attr-defined]
    row = SIZE[1] - py
    return int(px) - radius, int(row) - radius, int(px) + radius, int(row) + radius


def test_default_run_png_is_opaque_sized_and_has_a_red_circle_at_root_two() -> None:
    run = square_run()
    fig = convergence_figure(run)
    ax_curve = fig.axes[2]
    circle = image_box(ax_curve, math.sqrt(2), 0.0)
    elsewhere = image_box(ax_curve, 1.0, 0.0)  # on the x axis too, but no root there
    pixels = decode(render_convergence(run))
    assert Image.open(io.BytesIO(render_convergence(run))).mode == "RGB"
    assert red_pixels(pixels, circle) > 40
    assert red_pixels(pixels, elsewhere) == 0


def test_default_run_figure_says_what_was_run() -> None:
    run = square_run()
    fig = convergence_figure(run)
    texts = [t.get_text() for t in fig.texts]
    assert texts[0] == "f(x) = x² − 2"
    assert texts[1] == "x₀ = 1 · lr = 0.01 · 100 steps · SGD · float32  →  converged"
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == [
        "(a) x per iteration",
        "(b) loss per iteration (log)",
        "(c) loss L(x) = f(x)²",
    ]
    ax_x, ax_loss, ax_curve = fig.axes
    assert ax_loss.get_yscale() == "log"
    root_line = ax_x.lines[1]
    assert root_line.get_visible() and root_line.get_linestyle() == "--"
    assert root_line.get_ydata()[0] == pytest.approx(math.sqrt(2))
    x_line = ax_x.lines[0]
    assert len(x_line.get_xdata()) == 101 and x_line.get_ydata()[-1] == pytest.approx(1.4142133)
    roots = ax_curve.lines[4]
    assert list(roots.get_xdata()) == [pytest.approx(math.sqrt(2), abs=1e-12)]
    start, end = ax_curve.lines[2], ax_curve.lines[3]
    assert start.get_xdata()[0] == 1.0 and start.get_ydata()[0] == pytest.approx(1.0)
    assert end.get_xdata()[0] == pytest.approx(1.4142133, abs=1e-7)
    legend = [t.get_text() for t in ax_curve.get_legend().get_texts()]
    assert legend == ["start", "end", "roots (L = 0)"]


def test_landscape_of_x_squared_minus_two_has_both_roots_and_the_hump() -> None:
    run = made_run([-2.0, 0.0, 2.0], [4.0, 4.0, 4.0], 2.0, Outcome.STILL_MOVING)
    land = data.landscape(run, parse_equation("x**2 - 2"))
    assert land.roots == [
        pytest.approx(-math.sqrt(2), abs=1e-12),
        pytest.approx(math.sqrt(2), abs=1e-12),
    ]
    assert np.nanmax(land.loss[np.abs(land.grid) < 0.5]) == pytest.approx(4.0, abs=1e-3)
    assert list(land.path_x) == [-2.0, 0.0, 2.0, 2.0]  # the final x closes the path
    assert list(land.path_loss) == [4.0, 4.0, 4.0, 4.0]


def test_roots_skip_poles_and_keep_the_runs_double_root() -> None:
    tan_run = made_run([-2.4, 1.3], [0.0, 0.0], 1.3, Outcome.STILL_MOVING, "tan(x) - 1")
    roots = data.landscape(tan_run, parse_equation("tan(x) - 1")).roots
    assert roots == [pytest.approx(-3 * math.pi / 4), pytest.approx(math.pi / 4)]
    double = made_run([3.0, 1.5], [16.0, 0.25], 1.2, Outcome.STILL_MOVING, "(x-1)**2", root=1.0)
    assert data.landscape(double, parse_equation("(x-1)**2")).roots == [1.0]


def test_no_real_root_draws_no_red_in_the_curve_panel() -> None:
    run = gd_run(
        lambda x: x * x + np.float32(1),
        lambda x: np.float32(2) * x,
        1.5,
        0.05,
        equation="x**2 + 1",
        root=None,
    )
    run.outcome = Outcome.STILL_MOVING
    fig = convergence_figure(run)
    ax_curve = fig.axes[2]
    assert [t.get_text() for t in ax_curve.get_legend().get_texts()] == ["start", "end"]
    assert not fig.axes[0].lines[1].get_visible()  # no root: no dashed line
    (left, bottom), (right, top) = ax_curve.get_window_extent().get_points()
    pixels = decode(render_convergence(run))
    box = (int(left), SIZE[1] - int(top), int(right), SIZE[1] - int(bottom))
    assert red_pixels(pixels, box) == 0


def test_diverged_run_ends_in_a_cross_at_the_top() -> None:
    run = square_run(lr=0.5)
    assert run.outcome is Outcome.DIVERGED and len(run.iterations) < 10
    fig = convergence_figure(run)
    ax_loss = fig.axes[1]
    stop = ax_loss.lines[1]
    assert stop.get_visible() and stop.get_marker() == "X"
    assert stop.get_xdata()[0] == len(run.iterations) - 1
    bottom, top = ax_loss.get_ylim()
    assert bottom < stop.get_ydata()[0] < top
    assert "diverged" in fig.texts[1].get_text()
    decode(render_convergence(run))


def test_zero_loss_sits_at_a_tick_labelled_zero() -> None:
    run = made_run([2.0, 2.0, 2.0], [0.0, 0.0, 0.0], 2.0, Outcome.CONVERGED, "x**2 - 4", 2.0)
    fig = convergence_figure(run)
    ax_loss = fig.axes[1]
    assert [t.get_text() for t in ax_loss.get_yticklabels()] == ["0"]
    assert len(ax_loss.lines[0].get_ydata()) == 3
    mixed = made_run([1.0, 1.5, 2.0], [9.0, 3.06, 0.0], 2.0, Outcome.CONVERGED, "x**2 - 4", 2.0)
    labels = [t.get_text() for t in convergence_figure(mixed).axes[1].get_yticklabels()]
    assert labels[0] == "0" and "10¹" in labels


EDGE_RUNS = {
    "single iteration": made_run([1.0], [1.0], 1.04, Outcome.STILL_MOVING, root=math.sqrt(2)),
    "huge x": made_run([1e30, 2e30, 3e30], [1e120, 1e121, math.inf], 3e30, Outcome.DIVERGED),
    "x near the float64 limit": made_run([1.0, 1e300], [1.0, math.inf], 1e300, Outcome.DIVERGED),
    "constant loss": made_run([0.0] * 5, [4.0] * 5, 0.0, Outcome.STUCK, root=-math.sqrt(2)),
    "all nan": made_run([math.nan], [math.nan], math.nan, Outcome.OUT_OF_DOMAIN, root=math.nan),
    "out of domain": made_run(
        [0.5, -0.2], [0.2, math.nan], -0.2, Outcome.OUT_OF_DOMAIN, "log(x)", 1.0
    ),
    "unparsable equation": made_run([1.0, 1.1], [1.0, 0.6], 1.2, Outcome.STILL_MOVING, "x**2 -"),
    "no iterations": Run(Settings(), [], 1.0, Outcome.TIMED_OUT),
}


@pytest.mark.parametrize("name", list(EDGE_RUNS))
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_edge_runs_render_valid_pngs(name: str, lang: str) -> None:
    run = EDGE_RUNS[name]
    pixels = decode(render_convergence(run, lang))
    assert pixels.shape == (SIZE[1], SIZE[0], 3)
    decode(render_comparison([run, square_run()], lang))


def test_long_runs_are_thinned_but_keep_their_extremes() -> None:
    n = 50_000
    xs = [1.0 + 0.4 * (1 - math.exp(-k / 1000)) for k in range(n)]
    losses = [(x * x - 2) ** 2 for x in xs]
    losses[31_234] = 50.0  # a spike must survive the thinning
    run = made_run(xs, losses, xs[-1], Outcome.CONVERGED, root=math.sqrt(2))
    fig = convergence_figure(run)
    loss_line = fig.axes[1].lines[0]
    assert len(loss_line.get_xdata()) <= data.MAX_POINTS + 2
    assert 31_234 in loss_line.get_xdata() and max(loss_line.get_ydata()) == 50.0
    decode(render_convergence(run))


def test_comparison_labels_each_learning_rate_and_marks_divergence() -> None:
    runs = [square_run(lr=lr) for lr in (0.001, 0.01, 0.1, 0.5)]
    fig = comparison_figure(runs)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["lr=0.001", "lr=0.01", "lr=0.1", "lr=0.5 (diverged)"]
    lines, stops = ax.lines[0::2], ax.lines[1::2]
    assert [s.get_visible() for s in stops] == [False, False, False, True]
    assert stops[3].get_xdata()[0] == len(runs[3].iterations) - 1
    assert len(lines[0].get_xdata()) == 100
    assert fig.texts[1].get_text() == "x₀ = 1 · 100 steps · SGD · float32 · 4 runs"
    decode(render_comparison(runs))
    fewer = comparison_figure(runs[:2])  # the same figure, redrawn: leftovers are hidden
    assert [line.get_visible() for line in fewer.axes[0].lines] == [True, False] * 2 + [False] * 4
    with pytest.raises(ValueError, match="at least one run"):
        render_comparison([])


def test_japanese_words_or_english_when_no_font(monkeypatch: pytest.MonkeyPatch) -> None:
    run = square_run()
    if words.font_family("ja") is not None:
        fig = convergence_figure(run, "ja")
        assert fig.axes[0].get_title(loc="left") == "(a) 反復ごとの x"
        assert fig.texts[1].get_text().endswith("→  収束")
        decode(render_convergence(run, "ja"))
    monkeypatch.setattr(words, "font_family", lambda lang: None)
    fig = convergence_figure(run, "ja")
    assert fig.axes[0].get_title(loc="left") == "(a) x per iteration"
    assert fig.texts[1].get_text().endswith("→  converged")


def test_a_figure_reused_for_another_run_draws_the_same_bytes_as_a_fresh_one() -> None:
    default, diverged = square_run(), square_run(lr=0.5)
    render_convergence(diverged, "ja")
    render_comparison([diverged, default, square_run(lr=0.1)])
    reused = (render_convergence(default), render_comparison([default]))
    fresh: list[tuple[bytes, bytes]] = []
    worker = threading.Thread(
        target=lambda: fresh.append((render_convergence(default), render_comparison([default])))
    )
    worker.start()
    worker.join()
    assert fresh == [reused]


def test_four_threads_at_once_draw_the_same_bytes_as_one_thread() -> None:
    runs = [square_run(), square_run(lr=0.5), square_run(x0=-3.0, lr=0.02), square_run(lr=0.1)]
    jobs = [(lambda r=r: render_convergence(r)) for r in runs]
    jobs.append(lambda: render_comparison(runs))
    expected = [job() for job in jobs]
    results: dict[int, list[bytes]] = {}
    barrier = threading.Barrier(4)

    def work(worker: int) -> None:
        barrier.wait()
        results[worker] = [jobs[(worker + i) % len(jobs)]() for i in range(len(jobs))]

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for worker, pngs in results.items():
        assert pngs == [expected[(worker + i) % len(jobs)] for i in range(len(jobs))]
    assert len(results) == 4


def test_tick_labels_are_short_distinct_and_honest() -> None:
    assert tick_labels(np.array([1.0, 1.2, 1.4])) == ["1.0", "1.2", "1.4"]
    assert tick_labels(np.array([0.0, 5e30, 1e31])) == ["0", "5e30", "1e31"]
    assert tick_labels(np.array([-2.0, 0.0, 2.0])) == ["−2", "0", "2"]
    close = tick_labels(np.array([1.414210, 1.414212, 1.414214]))
    assert close == ["1.414210", "1.414212", "1.414214"]
    bottom, top, ticks, labels = log_ticks(1e-13, 1.0)
    assert bottom < 1e-13 and top > 1.0
    assert labels == ["10⁻¹²", "10⁻⁹", "10⁻⁶", "10⁻³", "10⁰"] and ticks[-1] == 1.0
    assert log_ticks(4.0, 4.0)[3] == ["10⁰", "10¹"]
