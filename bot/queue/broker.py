"""taskiq-redis' Redis Streams broker, with the redelivery the scaled deployment relies on.

RedisStreamBroker (taskiq-redis 1.2.4) gives the stream, the consumer group and XACK once a
job's result is stored. Its listen loop, though, reads up to 100 jobs at a time (they sit
pending on one worker while others idle), looks for a dead worker's jobs only right after a
read that brought new ones (so on a quiet queue they wait for ever), and lets another worker
take a live worker's long job once it has been pending `idle_timeout`. `JobBroker.listen`
below takes one job per free slot, reclaims jobs idle past `redelivery_seconds` on every
pass, and renews its own running jobs every third of that. Acknowledged jobs are deleted,
so the stream's length is the jobs waiting or running.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from taskiq import AckableMessage, BrokerMessage
from taskiq_redis import RedisStreamBroker

from .. import metrics

log = logging.getLogger(__name__)
STREAM = "gd-tutor:jobs"
GROUP = "gd-tutor-workers"
TASK_NAME = "gd_tutor.answer"
# How long to wait before trying a Redis that refused a read again.
RETRY_SECONDS = 1.0
# XADD unless the stream already holds ARGV[1] jobs (0: no bound); one round trip, atomic.
_KICK_BOUNDED = """
local limit = tonumber(ARGV[1])
if limit > 0 and redis.call('XLEN', KEYS[1]) >= limit then return 0 end
redis.call('XADD', KEYS[1], '*', 'data', ARGV[2])
return 1
"""


class QueueFull(Exception):
    """The stream holds as many jobs as the gateway allows waiting or running."""


class JobBroker(RedisStreamBroker):
    """The gateway kicks jobs into the stream; a worker listens (see the module's docstring)."""

    def __init__(self, url: str, redelivery_seconds: float, *, socket_timeout: float) -> None:
        """Jobs in Redis at `url`; a dead worker's job goes to another after `redelivery_seconds`."""
        idle_ms = round(redelivery_seconds * 1000)
        super().__init__(
            url,
            queue_name=STREAM,
            consumer_group_name=GROUP,
            consumer_id="0",  # jobs queued before the first worker started are taken too
            xread_block=max(100, min(2000, idle_ms // 3)),
            idle_timeout=idle_ms,
            xread_count=1,
            socket_timeout=socket_timeout,
            socket_connect_timeout=min(socket_timeout, 2.0),
        )
        self.renew_seconds = redelivery_seconds / 3
        self.running: set[bytes] = set()  # stream ids of this worker's jobs, until acked
        self.bound = 0  # the gateway sets it: jobs waiting or running past which kick refuses

    async def kick(self, message: BrokerMessage) -> None:
        """Add the job to the stream; QueueFull (nothing added) when `bound` jobs are in it."""
        async with Redis(connection_pool=self.connection_pool) as redis:
            added = await redis.eval(_KICK_BOUNDED, 1, self.queue_name, self.bound, message.message)
        if not added:
            raise QueueFull

    def _ack_generator(self, id: str, queue_name: str) -> Callable[[], Awaitable[None]]:
        async def ack() -> None:
            async with (
                Redis(connection_pool=self.connection_pool) as redis,
                redis.pipeline(transaction=True) as both,
            ):
                both.xack(queue_name, self.consumer_group_name, id)
                both.xdel(queue_name, id)
                await both.execute()
            self.running.discard(id)

        return ack

    async def waiting(self) -> int:
        """Jobs in the stream: queued or running, not yet acknowledged."""
        async with Redis(connection_pool=self.connection_pool) as redis:
            return int(await redis.xlen(self.queue_name))

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        """One job at a time, a dead worker's first; renews this worker's jobs meanwhile."""
        renewing = asyncio.create_task(self._renew_forever())
        try:
            async with Redis(connection_pool=self.connection_pool) as redis:
                while True:
                    try:
                        found = await self._next(redis)
                    except RedisError as error:
                        log.warning("cannot read jobs from Redis (%s); retrying", error)
                        await asyncio.sleep(RETRY_SECONDS)
                        if "NOGROUP" in str(error):  # a Redis that lost its data
                            await self._declare_consumer_group()
                        continue
                    for job_id, fields in found:
                        self.running.add(job_id)
                        yield AckableMessage(
                            data=fields[b"data"],
                            ack=self._ack_generator(job_id, self.queue_name),  # type: ignore[arg-type]
                        )
        finally:
            renewing.cancel()

    async def _next(self, redis: Redis) -> list[tuple[bytes, dict[bytes, bytes]]]:
        # XAUTOCLAIM moves jobs pending longer than idle_timeout (their worker died) to us.
        claimed = await redis.xautoclaim(
            self.queue_name,
            self.consumer_group_name,
            self.consumer_name,
            min_idle_time=self.idle_timeout,
            count=1,
        )
        redelivered = [(i, f) for i, f in claimed[1] if f]  # a deleted job comes back empty
        for job_id, _ in redelivered:
            log.warning("took over job %s from a worker that stopped answering", job_id.decode())
            metrics.redeliveries.inc()
        if redelivered:
            return redelivered
        fetched: Any = await redis.xreadgroup(
            self.consumer_group_name,
            self.consumer_name,
            {self.queue_name: ">"},
            block=self.block,
            count=1,
        )
        return [message for _, messages in fetched or [] for message in messages]

    async def _renew_forever(self) -> None:
        """Reset the idle time of this worker's running jobs, so no one takes them over."""
        while True:
            await asyncio.sleep(self.renew_seconds)
            if not self.running:
                continue
            try:
                async with Redis(connection_pool=self.connection_pool) as redis:
                    await redis.xclaim(
                        self.queue_name,
                        self.consumer_group_name,
                        self.consumer_name,
                        min_idle_time=0,
                        message_ids=list(self.running),
                        justid=True,
                    )
            except RedisError as error:  # the jobs may go to another worker; it dedups
                log.warning("cannot renew running jobs in Redis (%s)", error)


class Answered:
    """Which interactions a worker has answered, for 15 minutes (their token's life).

    A job delivered again after its answer went out (its worker died before acknowledging)
    is skipped: the user never gets a second answer.
    """

    def __init__(self, broker: JobBroker, seconds: int) -> None:
        """Keys in `broker`'s Redis, kept `seconds`."""
        self.broker = broker
        self.seconds = seconds

    async def seen(self, interaction_id: int) -> bool:
        """True if the interaction was answered; False also when Redis cannot say (the
        storage's unique key still keeps the run once, and the answer is an edit)."""
        try:
            async with Redis(connection_pool=self.broker.connection_pool) as redis:
                return bool(await redis.exists(_answered_key(interaction_id)))
        except RedisError as error:
            log.warning("cannot check answered interactions in Redis (%s)", error)
            return False

    async def mark(self, interaction_id: int) -> None:
        """Remember that the interaction was answered."""
        try:
            async with Redis(connection_pool=self.broker.connection_pool) as redis:
                await redis.set(_answered_key(interaction_id), 1, ex=self.seconds)
        except RedisError as error:
            log.warning("cannot mark interaction %d answered (%s)", interaction_id, error)


def _answered_key(interaction_id: int) -> str:
    return f"gd-tutor:answered:{interaction_id}"
