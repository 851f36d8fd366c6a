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
from redis.exceptions import RedisError
from taskiq.acks import AcknowledgeType
from taskiq.api import run_receiver_task

from .. import metrics
from ..config import Config
from ..heartbeat import beat
from ..queue.broker import TASK_NAME, Answered, JobBroker
from ..queue.job import TOKEN_SECONDS
from ..runtime import build_tutor, close_tutor, prepare
from .answer import Answerer

log = logging.getLogger(__name__)
# Longer than the broker's blocking read (at most 2 s), so a quiet queue is not an error.
SOCKET_SECONDS = 10.0
# How often the worker proves it can reach Redis: it then touches its heartbeat (read by
# `python -m bot --config FILE --healthcheck`) and records the queue's depth.
HEARTBEAT_SECONDS = 15.0


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
            beating = asyncio.create_task(_beat_while_reachable(broker, config))
            try:
                await _receive_until_stopped(broker, config.limits.workers)
            finally:
                beating.cancel()
                await broker.shutdown()
    finally:
        await asyncio.to_thread(close_tutor, tutor)


async def _beat_while_reachable(broker: JobBroker, config: Config) -> None:
    while True:
        try:
            metrics.queue_depth.set(await broker.waiting())
        except RedisError as error:
            log.warning("Redis does not answer (%s); no heartbeat until it does", error)
        else:
            await asyncio.to_thread(beat, config.health.heartbeat_path)
        await asyncio.sleep(HEARTBEAT_SECONDS)


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
