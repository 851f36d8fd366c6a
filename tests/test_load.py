"""Overload: 200 /solve in one burst through the stand-in, against the production bot in process."""

from __future__ import annotations

import asyncio
import logging
import math
import resource
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from bot_fixtures import LiveBot
from bot_harness import bot_in_process, embed_text, wait_answer, write_config
from discord_standin import InteractionHandle, Message, StandIn

import bot.runtime as runtime
import bot.tutor.solve as solve_feature
from bot.tutor.tutor import Tutor

BURST = 200
WORKERS, QUEUE = 2, 16
ACK_DEADLINE = 3.0  # Discord's: the first answer to an interaction within 3 s
HEARTBEAT = 0.5  # seconds; short, so a blocked event loop would show in the heartbeats
# discord.gateway's KeepAliveHandler warnings (discord/gateway.py): a blocked loop, a late ack.
GATEWAY_TROUBLE = ("heartbeat blocked for more than", "Can't keep up", "has stopped responding")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def rss_mib() -> float:
    """Resident memory of this process now (Linux /proc), else its peak so far."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class LoopLag:
    """How late the event loop wakes a task that sleeps in short ticks: a blocked loop shows."""

    def __init__(self, tick: float = 0.02) -> None:
        self.tick = tick
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _probe(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(self.tick)
            self.worst = max(self.worst, loop.time() - start - self.tick)

    def __enter__(self) -> LoopLag:
        self._task = asyncio.ensure_future(self._probe())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


class PoolWatch:
    """Samples the pool's admitted jobs (running + waiting) from a thread, every millisecond."""

    def __init__(self, tutor: Tutor) -> None:
        self.pool = tutor.pool
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.001):
            self.peak = max(self.peak, self.pool.running + self.pool.pending)

    def __enter__(self) -> PoolWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
async def fast_heartbeat_standin() -> AsyncIterator[StandIn]:
    """A stand-in that asks for a heartbeat every 0.5 s (Discord asks every 41.25 s)."""
    async with StandIn(heartbeat_interval=HEARTBEAT) as server:
        yield server


@pytest.fixture
def built_tutors(monkeypatch: pytest.MonkeyPatch) -> list[Tutor]:
    """The Tutor each run_discord builds, to look at its pool."""
    built: list[Tutor] = []
    real = runtime.build_tutor

    def build(config: Any) -> Tutor:
        built.append(real(config))
        return built[-1]

    monkeypatch.setattr(runtime, "build_tutor", build)
    return built


async def burst(standin: StandIn, size: int) -> list[InteractionHandle]:
    """`size` different users run /solve at the same moment, each with their own x0 (identical
    requests would share one computation); every one ends at the article's x=1.4142133."""
    users = [standin.make_user(f"student{i}") for i in range(size)]
    return list(
        await asyncio.gather(
            *(
                standin.invoke_command("solve", {"x0": 1 + i * 1e-6}, user=u)
                for i, u in enumerate(users)
            )
        )
    )


async def final_answer(handle: InteractionHandle) -> Message:
    """The run's reply (an embed with the figure) or, for a refused one, the refusal."""
    callback = await handle.wait_callback(10)
    if callback.type == 4:
        return await handle.wait_final(timeout=10)
    return await wait_answer(handle, timeout=120)


def is_busy(message: Message) -> bool:
    """The ephemeral 'busy' refusal."""
    return message.ephemeral and "busy" in embed_text(message)


def is_run(message: Message) -> bool:
    """A public run reply with the article's result and a figure."""
    return (
        not message.ephemeral
        and "x=1.4142133" in embed_text(message)
        and message.embed_attachment() is not None
    )


def gateway_trouble(caplog: pytest.LogCaptureFixture) -> list[str]:
    """discord.gateway's warnings about a blocked or late heartbeat."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "discord.gateway" and any(m in r.getMessage() for m in GATEWAY_TROUBLE)
    ]


async def test_a_burst_of_200_solves_is_acknowledged_in_time_and_none_is_lost(
    fast_heartbeat_standin: StandIn,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    built_tutors: list[Tutor],
    record_figure: Callable[..., None],
) -> None:
    """200 different users run /solve at the same moment (2 workers, a queue of 16, no cooldown).

    Holds: every interaction acknowledged within 3 s (deferred or told busy at once), every
    one gets a final answer (the run or busy), at most workers + queue admitted, memory
    bounded, no heartbeat-blocked warning from discord.py, the bot serves afterwards.
    """
    standin = fast_heartbeat_standin
    caplog.set_level(logging.WARNING, logger="discord.gateway")
    config = write_config(tmp_path, standin, limits={"workers": WORKERS, "queue": QUEUE})
    async with bot_in_process(standin, config):
        # Warm up: torch and the worker's figure are set up once, outside the measurement.
        await wait_answer(await standin.invoke_command("solve", {}))
        memory_before = rss_mib()
        beats_before = len(standin.gateway.heartbeats)
        started = time.monotonic()
        with LoopLag() as lag, PoolWatch(built_tutors[-1]) as watch:
            handles = await burst(standin, BURST)
            finals = await asyncio.gather(*(final_answer(h) for h in handles))
        seconds = time.monotonic() - started
        memory_after = rss_mib()
        after = await (await standin.invoke_command("help", {})).wait_final()
        assert "/solve" in embed_text(after)

    acks = [h.callback.elapsed for h in handles if h.callback is not None]
    assert len(acks) == BURST
    assert max(acks) < ACK_DEADLINE
    assert not standin.violations_of("late_callback")
    runs = [m for m in finals if is_run(m)]
    busy = [m for m in finals if is_busy(m)]
    assert len(runs) + len(busy) == BURST, [embed_text(m)[:80] for m in finals]
    assert runs and watch.peak <= WORKERS + QUEUE
    deferred = [h for h in handles if h.callback is not None and h.callback.type == 5]
    assert len(deferred) == len(runs)  # every run deferred; every busy answered at once
    assert all(h.callback.ephemeral for h in handles if h.callback.type == 4)
    assert gateway_trouble(caplog) == []
    gaps = standin.gateway.heartbeat_gaps()
    assert len(standin.gateway.heartbeats) > beats_before  # the heartbeat ran during the burst
    growth = memory_after - memory_before
    assert growth < 200, f"RSS grew by {growth:.0f} MiB over the burst"
    standin.assert_no_violations()

    to_final = [m.updated_at - h.created for h, m in zip(handles, finals, strict=True)]
    to_run = [t for t, m in zip(to_final, finals, strict=True) if is_run(m)]
    record_figure("burst size", BURST, "interactions")
    record_figure("workers + queue", WORKERS + QUEUE)
    record_figure("runs answered", len(runs))
    record_figure("told busy", len(busy))
    record_figure("lost", BURST - len(runs) - len(busy))
    record_figure("peak admitted (sampled)", watch.peak)
    record_figure("ack p50", round(percentile(acks, 50), 3), "s")
    record_figure("ack p99", round(percentile(acks, 99), 3), "s")
    record_figure("ack max", round(max(acks), 3), "s")
    record_figure("final answer p50", round(percentile(to_final, 50), 3), "s")
    record_figure("final answer p99", round(percentile(to_final, 99), 3), "s")
    record_figure("run reply p50", round(percentile(to_run, 50), 3), "s")
    record_figure("run reply p99", round(percentile(to_run, 99), 3), "s")
    record_figure("burst wall time", round(seconds, 2), "s")
    record_figure("largest heartbeat gap", round(max(gaps), 3), f"s (interval {HEARTBEAT} s)")
    record_figure("worst event-loop lag", round(lag.worst, 3), "s")
    record_figure("RSS before / after", f"{memory_before:.0f} / {memory_after:.0f}", "MiB")
    record_figure("heartbeat-blocked warnings", 0)


@pytest.mark.bot_config(limits={"workers": WORKERS, "queue": QUEUE})
async def test_with_every_worker_held_exactly_workers_plus_queue_are_admitted(
    standin: StandIn,
    built_tutors: list[Tutor],
    own_bot: LiveBot,
    monkeypatch: pytest.MonkeyPatch,
    record_figure: Callable[..., None],
) -> None:
    """200 users at once while every run is held in its worker until the burst is over.

    Holds: exactly workers + queue runs are deferred and admitted, the other 182 are told
    busy at once and ephemerally, and once released every admitted run is answered.
    """
    gate = threading.Event()
    real_solve = solve_feature.solve

    def held_solve(*args: Any, **kwargs: Any) -> Any:
        assert gate.wait(60), "the test never opened the gate"
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(solve_feature, "solve", held_solve)
    handles = await burst(standin, BURST)
    callbacks = await asyncio.gather(*(h.wait_callback(10) for h in handles))
    pool = built_tutors[-1].pool
    assert (pool.running, pool.pending) == (WORKERS, QUEUE)
    deferred = [h for h, c in zip(handles, callbacks, strict=True) if c.type == 5]
    refused = [h for h, c in zip(handles, callbacks, strict=True) if c.type == 4]
    assert len(deferred) == WORKERS + QUEUE
    assert len(refused) == BURST - WORKERS - QUEUE
    for handle in refused:
        assert is_busy(await handle.wait_final(timeout=10))
    gate.set()
    answers = await asyncio.gather(*(wait_answer(h, timeout=120) for h in deferred))
    assert all(is_run(m) for m in answers)
    assert max(c.elapsed for c in callbacks) < ACK_DEADLINE
    standin.assert_no_violations()
    record_figure("burst size", BURST, "interactions")
    record_figure("admitted", len(deferred), f"(workers {WORKERS} + queue {QUEUE})")
    record_figure("told busy at once", len(refused))
    record_figure("answered after release", len(answers))
