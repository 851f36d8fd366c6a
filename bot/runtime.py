"""Build the tutor's services from a Config, and run them under Discord."""

from __future__ import annotations

import asyncio
import logging
import signal

import torch

from .config import Config
from .storage import RunStore
from .tutor.service import Tutor
from .work_pool import Cooldown, WorkPool

log = logging.getLogger(__name__)


def _worker_init() -> None:
    # Each worker computes one small run; letting torch spawn its own threads in every
    # worker would oversubscribe the cores.
    torch.set_num_threads(1)


def build_tutor(config: Config) -> Tutor:
    """The Tutor with its store, pool and cooldown, as both Discord and the console use it."""
    store = RunStore(config.storage.path, config.storage.keep_runs_per_user)
    pool = WorkPool(config.limits.workers, config.limits.queue, initializer=_worker_init)
    return Tutor(config, store, pool, Cooldown(config.limits.cooldown_seconds))


def close_tutor(tutor: Tutor) -> None:
    """Finish running work, then close the pool and the store."""
    tutor.close()
    tutor.pool.shutdown(wait=True)
    tutor.store.close()


async def run_discord(config: Config, token: str) -> None:
    """Connect to Discord and serve until SIGINT or SIGTERM."""
    from .discord_app.client import TutorClient

    tutor = build_tutor(config)
    client = TutorClient(config, tutor)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(client.close()))
    try:
        async with client:
            await client.start(token)
    finally:
        await asyncio.to_thread(close_tutor, tutor)
