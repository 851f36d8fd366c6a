"""When a gateway shard may IDENTIFY: Discord's max_concurrency buckets, 5 s apart each.

Discord lets a bot start `max_concurrency` sessions per 5 seconds: shard s is in bucket
s % max_concurrency, and two IDENTIFYs of one bucket must be at least 5 s apart, whichever
process sends them. discord.py's default hook simply sleeps 5 s before every IDENTIFY but the
first, which ignores the buckets and cannot see other processes.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

IDENTIFY_GAP = 5.0  # Discord's rule
# Kept between two IDENTIFYs of a bucket: the rule plus a margin, as the first IDENTIFY may
# reach Discord later after it was sent than the second does.
SPACING = IDENTIFY_GAP + 0.25
# A window of the wall clock in which one round of a bucket may identify; a shard only starts
# in the first SLACK seconds of its window, so consecutive windows stay SPACING apart.
SLACK = 0.5
WINDOW = SPACING + SLACK


class IdentifyPacer:
    """Spaces the IDENTIFYs of shards that share a bucket by at least SPACING seconds.

    Within this process it remembers when each bucket last identified. When other processes
    run other shards (`clustered`), it cannot see their IDENTIFYs: then the shards of a bucket
    take turns by the wall clock (clocks kept by NTP agree to milliseconds). Shard s is in round
    s // max_concurrency of its bucket, and round k may identify in the windows n of WINDOW
    seconds where n % rounds == k; two shards of one bucket are in different rounds, so their
    IDENTIFYs are at least WINDOW − SLACK = SPACING apart.
    """

    def __init__(
        self,
        shard_count: int,
        max_concurrency: int,
        *,
        clustered: bool,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Pace `shard_count` shards in buckets of `max_concurrency` (both at least 1)."""
        self.max_concurrency = max(1, max_concurrency)
        self.rounds = math.ceil(max(1, shard_count) / self.max_concurrency)
        self.clustered = clustered
        self._clock = clock
        self._sleep = sleep
        self._last: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def bucket(self, shard_id: int) -> int:
        """The rate-limit bucket of a shard."""
        return shard_id % self.max_concurrency

    async def wait(self, shard_id: int) -> None:
        """Return when `shard_id` may IDENTIFY, and count it as identifying now."""
        bucket = self.bucket(shard_id)
        lock = self._locks.setdefault(bucket, asyncio.Lock())
        async with lock:
            while True:
                delay = self._delay(shard_id, bucket, self._clock())
                if delay <= 0:
                    break
                await self._sleep(delay)
            self._last[bucket] = self._clock()

    def _delay(self, shard_id: int, bucket: int, now: float) -> float:
        last = self._last.get(bucket)
        if last is not None and now - last < SPACING:
            return SPACING - (now - last)
        if not self.clustered or self.rounds == 1:
            return 0.0  # a bucket of one shard, or every shard of it in this process
        window = math.floor(now / WINDOW)
        mine = shard_id // self.max_concurrency
        if window % self.rounds == mine and now - window * WINDOW <= SLACK:
            return 0.0
        ahead = (mine - window) % self.rounds or self.rounds
        return (window + ahead) * WINDOW - now
