"""Figures drawn in worker processes.

matplotlib draws one figure at a time per process (`Figure.draw` holds a process-wide lock)
and drawing is Python that holds the GIL, so worker threads cannot draw in parallel:
bench/bench_bot.py measured 20 /solve on 2 threads as slow as one at a time, and on 2
processes at the ideal of 2 cores. The solve stays in the worker thread (it reports
progress there); only the drawing crosses to a process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from solver import Run, render_comparison, render_convergence

log = logging.getLogger(__name__)
T = TypeVar("T")


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # A killed bot stays a zombie until its parent reaps it: that counts as gone.
            return stat.read().rpartition(")")[2].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True
    except OSError:  # no /proc: ask the kernel whether the pid exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


def _exit_when_gone(owner: int) -> None:
    # A worker's parent is the fork server, not the bot, so nothing tells it that a SIGKILLed
    # bot is gone: without this it would wait on its queue for ever.
    while not _gone(owner):
        time.sleep(1.0)
    os._exit(0)


def _init_process(owner: int) -> None:
    import torch

    torch.set_num_threads(1)
    threading.Thread(target=_exit_when_gone, args=(owner,), daemon=True).start()


class Renderer:
    """Renders PNGs in `processes` worker processes, or in the calling thread when 0."""

    def __init__(self, processes: int) -> None:
        """Processes start on the first figure, forked from a server that preloaded solver."""
        self.processes = processes
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["solver"])
                self._executor = ProcessPoolExecutor(
                    self.processes,
                    mp_context=context,
                    initializer=_init_process,
                    initargs=(os.getpid(),),
                )
            return self._executor

    def _draw(self, fn: Callable[..., T], *args: object) -> T:
        if self.processes == 0:
            return fn(*args)
        pool = self._pool()
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            # A drawing process died (killed, out of memory): start afresh for the next
            # figure, and draw this one here so that the run is still answered.
            log.warning("a drawing process died; restarting the process pool", exc_info=True)
            with self._lock:
                if self._executor is pool:
                    self._executor = None
            pool.shutdown(wait=False, cancel_futures=True)
            return fn(*args)

    def convergence(self, run: Run, lang: str) -> bytes:
        """render_convergence(run, lang), drawn in a worker process."""
        return self._draw(render_convergence, run, lang)

    def comparison(self, runs: list[Run], lang: str) -> bytes:
        """render_comparison(runs, lang), drawn in a worker process."""
        return self._draw(render_comparison, runs, lang)

    def shutdown(self) -> None:
        """Stop the drawing processes."""
        with self._lock:
            pool, self._executor = self._executor, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
