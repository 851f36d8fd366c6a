"""An animation of a run as GIF bytes: x moving along the loss curve, drawn without torch.

The card (headings, curve, roots, axes) is drawn once per animation; each frame restores it
and draws only the moving artists (blitting), so a frame costs a few milliseconds. Pillow
assembles the GIF with one palette for every frame, and stores each frame as the rectangle
that changed.
"""

from __future__ import annotations

import io
import threading

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from . import axes as pa
from . import style as st
from . import words as wd
from .animation_picture import AnimationPicture

SIZE = (8.0, 5.0)  # 800 x 500 px: one panel, shown about 400-550 px wide by Discord
FRAME_MS = 110
FIRST_MS = 700  # time to read the start
LAST_MS = 2500  # and where it ended, before the loop starts again
COLOURS = 96  # one palette for every frame; antialiased text needs a few dozen greys

_local = threading.local()


class AnimationFigure:
    """One panel L(x) with the curve and roots (static) and the point, trail and label (moving)."""

    def __init__(self) -> None:
        self.fig = fig = Figure(figsize=SIZE, dpi=st.DPI, facecolor=st.CARD)
        self.canvas = FigureCanvasAgg(fig)
        self.title, self.subtitle = st.headings(fig)
        self.subtitle.set_y(0.9)
        self.ax = ax = fig.add_axes((0.1, 0.12, 0.86, 0.6))
        pa.style_axes(ax)
        self.curve = ax.plot([], [], color=st.CURVE, lw=2.2)[0]
        self.roots = ax.plot([], [], ls="none", marker="o", ms=16, mfc="none", mec=st.RED, mew=2.6)[
            0
        ]
        self.trail = ax.plot(
            [], [], color=st.ORANGE, lw=1.6, marker="o", ms=4, mec="none", alpha=0.8
        )[0]
        self.point = ax.plot(
            [], [], ls="none", marker="o", ms=13, color=st.BLUE, mec=st.INK, mew=1.4
        )[0]
        self.label = fig.text(
            0.1,
            0.765,
            "",
            ha="left",
            va="bottom",
            fontsize=st.LEGEND_PT,
            color=st.INK,
            parse_math=False,
        )
        self.moving = (self.trail, self.point, self.label)
        for artist in self.moving:
            artist.set_animated(True)

    def background(self, picture: AnimationPicture) -> wd.PlotWords:
        """Draw the card without the moving artists; the words' language is returned."""
        say = wd.show_headings(self.title, self.subtitle, picture.lang, picture.headings)
        self.curve.set_data(picture.grid, picture.curve)
        self.roots.set_data(picture.roots, [0.0] * len(picture.roots))
        top = picture.top
        labels = pa.set_limits(self.ax, picture.window, (-0.06 * top, top))
        pa.set_xlabel(self.ax, say("plot.x"), say.families)
        left_px = 14 + max((pa.text_px(s, st.TICK_PT) for s in labels[1]), default=10.0)
        width_px = SIZE[0] * st.DPI
        self.ax.set_position((left_px / width_px, 0.12, 1 - (left_px + 24) / width_px, 0.6))
        self.label.set_x(left_px / width_px)
        self.label.set_fontfamily(say.families)
        self.canvas.draw()  # type: ignore[no-untyped-call]
        return say

    def frames(self, picture: AnimationPicture, say: wd.PlotWords) -> list[Image.Image]:
        """Each frame as an RGB image: the card restored, the trail so far, the point, its label."""
        card = self.canvas.copy_from_bbox(self.fig.bbox)  # type: ignore[no-untyped-call]
        renderer = self.canvas.get_renderer()  # type: ignore[no-untyped-call]
        shown = []
        for frame in picture.frames:
            self.canvas.restore_region(card)  # type: ignore[no-untyped-call]
            upto = int(np.searchsorted(picture.trail_k, frame.k, side="right"))
            self.trail.set_data(
                np.append(picture.trail_x[:upto], frame.x),
                np.append(picture.trail_loss[:upto], frame.loss),
            )
            self.point.set_data([frame.x], [min(frame.loss, picture.top)])
            self.label.set_text(frame.labels[say.lang])
            for artist in self.moving:
                artist.draw(renderer)
            shown.append(Image.fromarray(np.array(renderer.buffer_rgba())).convert("RGB"))
        return shown


def draw_gif(picture: AnimationPicture) -> bytes:
    """The animation as a looping GIF, one palette for all frames."""
    if not picture.frames:
        raise ValueError("an animation needs at least one frame")
    figure = getattr(_local, "animation", None)
    if figure is None:
        figure = _local.animation = AnimationFigure()
    say = figure.background(picture)
    images = figure.frames(picture, say)
    # The palette of the last frame, which shows the whole trail and the point.
    palette = images[-1].quantize(COLOURS, method=Image.Quantize.MEDIANCUT)
    frames = [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in images]
    durations = [FRAME_MS] * len(frames)
    durations[0], durations[-1] = FIRST_MS, LAST_MS
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations if len(frames) > 1 else LAST_MS,
        loop=0,
        optimize=False,
        disposal=1,
    )
    return buffer.getvalue()
