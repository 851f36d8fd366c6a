"""Figures drawn in lean worker processes, after the numbers are out.

matplotlib draws one figure at a time per process (`Figure.draw` holds a process-wide lock)
and drawing is Python that holds the GIL, so threads cannot draw in parallel: processes can.
A drawing process imports matplotlib and numpy only (bot.drawing_process, solver.plots.draw,
solver.plots.animation) and gets a plain picture (solver.plots.pictures, or an animation's
frames: solver.plots.animation_picture) that the worker prepared with torch, so it
holds a fraction of the bot's memory. It runs at a lower priority than the bot: with a class
waiting, the solves go first and the drawings take the CPU left over.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from solver.plots.animation_picture import AnimationPicture
from solver.plots.pictures import Picture

from .drawing_process import start_drawing_process

log = logging.getLogger(__name__)
DRAWING_MODULES = ["solver.plots.draw", "solver.plots.animation"]
Drawable = Picture | AnimationPicture  # drawn into a PNG, or an animation into a GIF


class DrawingBusy(Exception):
    """`max_waiting` pictures already wait to be drawn; this one is not drawn."""


def draw_png(picture: Picture) -> bytes:
    """solver.plots.draw.draw_png, imported where it runs (not in the bot's process)."""
    from solver.plots.draw import draw_png as draw

    return draw(picture)


def draw_gif(picture: AnimationPicture) -> bytes:
    """solver.plots.animation.draw_gif, imported where it runs (not in the bot's process)."""
    from solver.plots.animation import draw_gif as draw

    return draw(picture)


def draw_file(picture: Drawable) -> bytes:
    """A still picture's PNG, or an animation's GIF."""
    if isinstance(picture, AnimationPicture):
        return draw_gif(picture)
    return draw_png(picture)


class Renderer:
    """Draws pictures in `processes` worker processes, or in one thread of its own when 0.

    At most `max_waiting` pictures are drawn or wait at once; past that `draw` raises
    DrawingBusy at once (the numbers are out already, only the picture is missing).
    """

    def __init__(self, processes: int, max_waiting: int = 64) -> None:
        """Processes start on the first picture, forked from a server that preloaded the
        drawing module (`warm` starts them earlier)."""
        self.processes = processes
        self.max_waiting = max_waiting
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._thread: ThreadPoolExecutor | None = None
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """Pictures being drawn or waiting to be."""
        with self._lock:
            return self._waiting

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(DRAWING_MODULES)
                self._executor = ProcessPoolExecutor(
                    self.processes,
                    mp_context=context,
                    initializer=start_drawing_process,
                    initargs=(os.getpid(),),
                )
            return self._executor

    def _local(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._thread is None:
                self._thread = ThreadPoolExecutor(1, thread_name_prefix="gd-draw")
            return self._thread

    def submit(self, picture: Drawable) -> Future[bytes]:
        """Start drawing `picture`; DrawingBusy when `max_waiting` are drawn or waiting."""
        with self._lock:
            if self._waiting >= self.max_waiting:
                raise DrawingBusy(f"{self._waiting} pictures waiting")
            self._waiting += 1
        try:
            future = self._start(picture)
        except BaseException:
            self._done(None)
            raise
        future.add_done_callback(self._done)
        return future

    async def draw(self, picture: Drawable) -> bytes:
        """The picture's PNG (an animation's GIF), drawn elsewhere while the event loop waits."""
        return await asyncio.wrap_future(self.submit(picture))

    def draw_now(self, picture: Drawable) -> bytes:
        """The picture's PNG (an animation's GIF), the calling thread waiting (not the event loop)."""
        return self.submit(picture).result()

    def _done(self, _: object) -> None:
        with self._lock:
            self._waiting -= 1

    def _start(self, picture: Drawable) -> Future[bytes]:
        if self.processes == 0:
            return self._local().submit(draw_file, picture)
        pool = self._pool()
        try:
            drawn = pool.submit(draw_file, picture)
        except BrokenProcessPool:
            return self._restart(pool, picture)
        result: Future[bytes] = Future()

        def settle(done: Future[bytes]) -> None:
            if isinstance(done.exception(), BrokenProcessPool):
                retry = self._restart(pool, picture)
                retry.add_done_callback(lambda again: _copy(again, result))
            else:
                _copy(done, result)

        drawn.add_done_callback(settle)
        return result

    def _restart(self, pool: ProcessPoolExecutor, picture: Drawable) -> Future[bytes]:
        # A drawing process died (killed, out of memory): start afresh for the next picture,
        # and draw this one in a thread here so that the run still gets its picture.
        log.warning("a drawing process died; restarting the process pool")
        with self._lock:
            if self._executor is pool:
                self._executor = None
        pool.shutdown(wait=False, cancel_futures=True)
        return self._local().submit(draw_file, picture)

    def warm(self) -> None:
        """Start the drawing processes now rather than at the first picture."""
        if self.processes:
            pool = self._pool()
            for _ in range(self.processes):
                pool.submit(os.getpid)

    def shutdown(self) -> None:
        """Stop the drawing processes and the drawing thread."""
        with self._lock:
            pool, self._executor = self._executor, None
            thread, self._thread = self._thread, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if thread is not None:
            thread.shutdown(wait=True, cancel_futures=True)


def _copy(source: Future[bytes], target: Future[bytes]) -> None:
    error = source.exception()
    if error is not None:
        target.set_exception(error)
    else:
        target.set_result(source.result())
