"""The job queue against a real Redis: a job travels as data, a dead worker's job goes to
another worker, a live worker's long job stays its own, and the stream survives a restart."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator

import pytest
from redis_server import RedisServer, started_redis
from taskiq import AckableMessage

from bot.config import Config, LimitsConfig, QueueConfig
from bot.queue.broker import Answered, JobBroker
from bot.queue.job import Job
from bot.queue.submit import JobQueue
from bot.tutor.caller import Caller
from bot.tutor.errors import UserError

REDELIVERY = 1.0  # seconds; the smallest the config allows


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = started_redis()
    try:
        yield server
    finally:
        server.remove()


def a_job(interaction_id: int = 42, created_at: float | None = None) -> Job:
    caller = Caller(user_id=1, channel_id=2, guild_id=3, locale="ja")
    settings = {"equation": "x**2 - 2", "x0": 1.0, "lr": 0.1, "steps": 5}
    extra = {} if created_at is None else {"created_at": created_at}
    return Job("solve", settings, caller, interaction_id, 77, "secret-token", **extra)


def queue_config(url: str, waiting: int = 10) -> Config:
    return Config(
        limits=LimitsConfig(workers=1, queue=waiting - 1),
        queue=QueueConfig(url=url, redelivery_seconds=REDELIVERY),
    )


@pytest.fixture
async def queue(redis_server: RedisServer) -> AsyncIterator[JobQueue]:
    q = JobQueue(queue_config(redis_server.url))
    await q.start()
    yield q
    await q.close()


async def worker(url: str) -> JobBroker:
    broker = JobBroker(url, REDELIVERY, socket_timeout=10)
    await broker.startup()
    return broker


async def next_job(broker: JobBroker) -> tuple[AckableMessage, Job]:
    """The next delivery of `broker`'s listen loop, and the Job it carries."""
    listening = broker.listen()
    message = await asyncio.wait_for(anext(listening), 30)
    await listening.aclose()
    assert isinstance(message, AckableMessage)
    return message, Job.from_data(json.loads(message.data)["args"][0])


def test_a_job_survives_json_and_never_shows_its_token() -> None:
    job = a_job(created_at=1700000000.5)
    assert Job.from_data(json.loads(json.dumps(job.to_data()))) == job
    assert "secret-token" not in repr(job)
    assert job.expired(now=1700000000.5 + 15 * 60) and not job.expired(now=1700000000.5 + 899)


async def test_a_queued_job_reaches_a_worker_started_later(
    queue: JobQueue, redis_server: RedisServer
) -> None:
    await queue.submit(a_job(1))
    broker = await worker(redis_server.url)
    try:
        message, job = await next_job(broker)
        assert job == a_job(1, created_at=job.created_at)
        await message.ack()  # type: ignore[misc]
        assert await broker.waiting() == 0  # acknowledged jobs leave the stream
    finally:
        await broker.shutdown()


async def test_a_dead_workers_job_goes_to_another_worker(
    queue: JobQueue, redis_server: RedisServer
) -> None:
    await queue.submit(a_job(2))
    dead, alive = await worker(redis_server.url), await worker(redis_server.url)
    try:
        _, taken = await next_job(dead)  # and never acknowledged: its worker "died"
        message, again = await next_job(alive)  # only after REDELIVERY of silence
        assert again.interaction_id == taken.interaction_id == 2
        await message.ack()  # type: ignore[misc]
        assert await alive.waiting() == 0
    finally:
        await dead.shutdown()
        await alive.shutdown()


async def test_a_live_workers_long_job_is_not_taken_over(
    queue: JobQueue, redis_server: RedisServer
) -> None:
    await queue.submit(a_job(3))
    busy, other = await worker(redis_server.url), await worker(redis_server.url)
    try:
        listening = busy.listen()  # keeps renewing its job while "computing"
        first = await asyncio.wait_for(anext(listening), 30)
        await queue.submit(a_job(4))
        _, second = await next_job(other)
        assert second.interaction_id == 4  # the new job, not job 3
        stolen = asyncio.ensure_future(next_job(other))
        await asyncio.sleep(REDELIVERY * 4)  # four redelivery periods: job 3 stays with `busy`
        assert not stolen.done()
        stolen.cancel()
        await first.ack()  # type: ignore[misc]
        await listening.aclose()
    finally:
        await busy.shutdown()
        await other.shutdown()


async def test_jobs_queued_before_a_redis_restart_are_still_there(
    queue: JobQueue, redis_server: RedisServer
) -> None:
    await queue.submit(a_job(5))
    redis_server.stop()
    redis_server.start()
    broker = await worker(redis_server.url)
    try:
        _, job = await next_job(broker)
        assert job.interaction_id == 5
    finally:
        await broker.shutdown()


async def test_a_full_queue_is_busy_and_a_missing_redis_is_queue_down(
    redis_server: RedisServer,
) -> None:
    full = JobQueue(queue_config(redis_server.url, waiting=2))
    await full.start()
    try:
        await full.submit(a_job(6))
        await full.submit(a_job(7))
        with pytest.raises(UserError) as busy:
            await full.submit(a_job(8))
        assert busy.value.key == "bot.busy"
        redis_server.stop()
        with pytest.raises(UserError) as down:
            await full.submit(a_job(9))
        assert down.value.key == "queue.down"
        assert "ジョブキュー" in down.value.text("ja")
    finally:
        await full.close()


async def test_answered_interactions_are_remembered(redis_server: RedisServer) -> None:
    broker = await worker(redis_server.url)
    try:
        answered = Answered(broker, 900)
        assert not await answered.seen(10)
        await answered.mark(10)
        assert await answered.seen(10) and not await answered.seen(11)
    finally:
        await broker.shutdown()
