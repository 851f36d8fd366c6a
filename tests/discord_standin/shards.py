"""Gateway sharding as Discord does it: which shard a guild is on, and IDENTIFY's pace per bucket."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

IDENTIFY_GAP = 5.0  # seconds between two IDENTIFYs of one max_concurrency bucket


def shard_of(guild_id: str | int | None, shard_count: int) -> int:
    """Discord's rule: a guild's events go to shard (guild_id >> 22) % shard_count; DMs to 0."""
    if guild_id is None:
        return 0
    return (int(guild_id) >> 22) % shard_count


def parse_shard(value: Any) -> tuple[int, int] | str:
    """IDENTIFY's `shard` as (shard_id, shard_count), or what is wrong with it (close 4010).

    Absent means [0, 1], an unsharded connection.
    """
    if value is None:
        return (0, 1)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in value)
    ):
        return f"shard must be [shard_id, shard_count], got {value!r}"
    shard_id, count = value
    if count < 1 or not 0 <= shard_id < count:
        return f"shard {value!r}: shard_id must be 0 to shard_count - 1"
    return (shard_id, count)


@dataclass
class Identify:
    """One accepted IDENTIFY."""

    time: float
    shard: tuple[int, int]
    bucket: int


@dataclass
class IdentifyLog:
    """Every IDENTIFY by bucket (shard_id % max_concurrency), to check Discord's session pace."""

    max_concurrency: int
    identifies: list[Identify] = field(default_factory=list)

    def record(self, shard: tuple[int, int]) -> float | None:
        """Keep one IDENTIFY; return the gap to the bucket's previous one when it is too short."""
        now = time.monotonic()
        bucket = shard[0] % self.max_concurrency
        previous = [i.time for i in self.identifies if i.bucket == bucket]
        self.identifies.append(Identify(now, shard, bucket))
        if previous and now - previous[-1] < IDENTIFY_GAP:
            return now - previous[-1]
        return None

    def gaps(self) -> dict[int, list[float]]:
        """Seconds between consecutive IDENTIFYs, per bucket."""
        times: dict[int, list[float]] = {}
        for identify in self.identifies:
            times.setdefault(identify.bucket, []).append(identify.time)
        return {b: [t2 - t1 for t1, t2 in itertools.pairwise(ts)] for b, ts in times.items()}
