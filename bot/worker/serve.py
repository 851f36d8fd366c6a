"""The worker's life: warm up, take jobs from Redis with taskiq's receiver, stop on SIGTERM.

A job is acknowledged once its answer went out (taskiq's "when saved"); a worker that dies
before that leaves it pending, and another worker takes it over (see bot.queue.broker).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
from typing import Any

import aiohttp
from taskiq.acks import AcknowledgeType
from taskiq.api import run_receiver_task

from ..config import Config
from ..queue.broker import TASK_NAME, Answered, JobBroker
from ..queue.job import TOKEN_SECONDS
from ..runtime import build_tutor, close_tutor, prepare
from .answer import Answerer

log = logging.getLogger(__name__)
# Longer than the broker's blocking read (at most 2 s), so a quiet queue is not an error.
SOCKET_SECONDS = 10.0


def worker_config(config: Config) -> Config:
    """The config a worker computes with: no cooldown (the gateway paced the user)."""
    return dataclasses.replace(
        config, limits=dataclasses.replace(config.limits, cooldown_seconds=0.0)
    )


async def serve(config: Config) -> None:
    """Answer jobs until SIGINT or SIGTERM; `limits.workers` at once, one torch thread each."""
    tutor = build_tutor(worker_config(config))
    try:
        await prepare(tutor)
        broker = JobBroker(
            config.queue.url, config.queue.redelivery_seconds, socket_timeout=SOCKET_SECONDS
        )
        async with aiohttp.ClientSession() as session:
            answerer = Answerer(tutor, Answered(broker, TOKEN_SECONDS), session)

            async def answer(data: dict[str, Any]) -> None:
                await answerer.answer(data)

            broker.register_task(answer, task_name=TASK_NAME)
            await broker.startup()
            try:
                await _receive_until_stopped(broker, config.limits.workers)
            finally:
                await broker.shutdown()
    finally:
        await asyncio.to_thread(close_tutor, tutor)


async def _receive_until_stopped(broker: JobBroker, slots: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    receiving = asyncio.create_task(
        run_receiver_task(
            broker,
            max_async_tasks=slots,  # never more jobs than the pool computes at once
            max_prefetch=0,
            ack_time=AcknowledgeType.WHEN_SAVED,
        )
    )
    log.info("worker %s taking jobs, %d at a time", broker.consumer_name, slots)
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({receiving, stopped}, return_when=asyncio.FIRST_COMPLETED)
    # Jobs still running are not acknowledged: another worker takes them over.
    receiving.cancel()
    stopped.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await receiving
