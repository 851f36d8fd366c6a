"""Build the tutor's services from a Config, and run them under Discord."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from typing import TYPE_CHECKING

import torch

from solver import Settings, solve

from .config import Config
from .cooldown import Cooldown
from .render_pool import Renderer
from .storage import Pruner, open_store
from .tutor.tutor import Tutor
from .work_pool import WorkPool

if TYPE_CHECKING:
    from .queue.submit import JobQueue

log = logging.getLogger(__name__)
# Each built tutor's pruner, stopped by close_tutor before the store closes.
_pruners: dict[Tutor, Pruner] = {}


def _worker_init() -> None:
    # Each worker computes one small run; letting torch spawn its own threads in every
    # worker would oversubscribe the cores.
    torch.set_num_threads(1)


def build_tutor(config: Config) -> Tutor:
    """The Tutor with its store, pool and cooldown, as both Discord and the console use it."""
    store = open_store(config)
    pool = WorkPool(
        config.limits.workers,
        config.limits.queue,
        cooldown=Cooldown(config.limits.cooldown_seconds),
        initializer=_worker_init,
    )
    renderer = Renderer(config.limits.render_processes)
    tutor = Tutor(config, store, pool, renderer)
    _pruners[tutor] = pruner = Pruner(store)  # keeps the store within [storage]'s budget
    pruner.start()
    return tutor


def close_tutor(tutor: Tutor) -> None:
    """Finish running work, then close the pool and the store."""
    tutor.close()
    tutor.pool.shutdown(wait=True)
    tutor.renderer.shutdown()
    if pruner := _pruners.pop(tutor, None):
        pruner.stop()
    tutor.store.close()


def _warm_up(renderer: Renderer) -> None:
    # The first solve and picture import and build lazily (about a second); pay it before the
    # first student does. The drawing processes start meanwhile, without holding up the
    # connection: the first answer's numbers do not need them.
    from solver.plots.prepare import convergence_picture

    renderer.warm()
    convergence_picture(solve(Settings(steps=2)), "en")


async def prepare(tutor: Tutor) -> None:
    """Warm a worker up, then freeze what start-up allocated out of the garbage collector.

    torch, sympy and matplotlib leave some 400k long-lived objects; without the freeze a
    full collection walks them all and stalls the event loop and the workers for 0.2–0.9 s
    (measured by bench/bench_bot.py).
    """
    try:
        await tutor.pool.run(_warm_up, tutor.renderer)
    except Exception:
        log.warning("the warm-up run failed", exc_info=True)
    gc.collect()
    gc.freeze()


async def run_discord(config: Config, token: str) -> None:
    """Connect to Discord and serve until SIGINT or SIGTERM."""
    from .discord_app.client import TutorClient

    tutor = build_tutor(config)
    await prepare(tutor)
    queue = await _start_queue(config)
    client = TutorClient(config, tutor, queue)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(client.close()))
    try:
        async with client:
            await client.start(token)
    finally:
        if queue is not None:
            await queue.close()
        await asyncio.to_thread(close_tutor, tutor)


async def _start_queue(config: Config) -> JobQueue | None:
    """The job queue when `[queue] url` is set (runs then go to `python -m bot.worker`)."""
    if not config.queue.url:
        return None
    from .queue.submit import JobQueue

    queue = JobQueue(config)
    await queue.start()
    return queue
