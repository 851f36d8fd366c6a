"""The gateway's side of the queue: put a checked job in Redis, or tell the user why not."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError
from taskiq.exceptions import SendTaskError
from taskiq.kicker import AsyncKicker

from ..config import Config
from ..storage.url import redacted
from ..tutor.errors import UserError
from .broker import TASK_NAME, JobBroker, QueueFull
from .job import Job

log = logging.getLogger(__name__)
# A gateway waits at most this long for Redis; the interaction is already deferred.
SOCKET_SECONDS = 2.0


class JobQueue:
    """Jobs for `python -m bot.worker`, bounded by `limits.workers + limits.queue` jobs waiting or running."""

    def __init__(self, config: Config) -> None:
        """A queue on `config.queue.url`; call `start` before `submit`."""
        self.broker = JobBroker(
            config.queue.url, config.queue.redelivery_seconds, socket_timeout=SOCKET_SECONDS
        )
        self.broker.bound = config.limits.workers + config.limits.queue  # as the local pool's
        self.where = redacted(config.queue.url)
        self._kicker: AsyncKicker[..., None] = AsyncKicker(TASK_NAME, self.broker, {})

    async def start(self) -> None:
        """Make sure the stream and its consumer group exist; a Redis that is down now is
        only logged (each /solve says so until it is back, and the workers create them too)."""
        try:
            await self.broker.startup()
        except RedisError as error:
            log.warning("cannot reach the job queue %s yet: %s", self.where, error)

    async def close(self) -> None:
        """Close the connections."""
        await self.broker.shutdown()

    async def submit(self, job: Job) -> None:
        """Queue `job`; UserError "busy" past the bound, "queue down" when Redis is away."""
        try:
            await self._kicker.kiq(job.to_data())
        except SendTaskError as error:  # taskiq's wrapper of what the broker raised
            if isinstance(error.__cause__, QueueFull):
                raise UserError("bot.busy") from None
            if not isinstance(error.__cause__, RedisError):
                raise
            log.warning(
                "cannot queue interaction %d on %s: %s",
                job.interaction_id,
                self.where,
                error.__cause__,
            )
            raise UserError("queue.down") from None
        log.info("queued %s for interaction %d", job.kind, job.interaction_id)
