"""The bot's /solve through the Discord stand-in, against bare solve+render measured in the same run.

Everything runs in this process on loopback: the stand-in (tests/discord_standin) and the
production coroutine `bot.runtime.run_discord` with the default limits (2 workers, 2 drawing
processes, queue 16), cooldown 0. Bare runs (solve + render, no storage, no Discord) alternate with bot runs so that
load from other processes hits both alike:

- 1 user: SEQUENTIAL pairs of (one bare run in a 2-thread pool like the bot's, one /solve).
  /solve is timed from the dispatch of INTERACTION_CREATE to the edit that replaces the deferred
  message with the embed and the PNG; the ack is the time to the interaction callback.
- 20 users: ROUNDS of (USERS bare runs at once in the 2-thread pool, the same in a 2-process
  pool, /solve from USERS distinct users at once), the event loop's lag measured meanwhile by a
  coroutine sleeping TICK, full GC pauses recorded.
- Then more runs up to MEMORY_RUNS: RSS (VmRSS) and the SQLite file before and after.

Run `python bench/bench_bot.py` from the repo root. `--profile`: where the event loop's time goes
during the 20-user rounds (cProfile of the loop thread). `--gc-freeze`: a second gc.freeze() once
the bot started (the bot itself freezes its start-up objects since this benchmark found the
full-GC pauses; the flag is kept to compare).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import logging
import math
import multiprocessing
import pstats
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import torch  # noqa: E402
from bot_harness import bot_in_process, write_config  # noqa: E402
from discord_standin import InteractionHandle, StandIn  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bot.storage.sqlite import SqliteRunStore  # noqa: E402
from solver import Settings, render_convergence, solve  # noqa: E402

SOLVE = {"x0": 1, "lr": 0.01, "steps": 100}
LIMITS = {"workers": 2, "queue": 16, "cooldown_seconds": 0}
WARMUP = 3
SEQUENTIAL = 30
USERS = 20
ROUNDS = 5
MEMORY_RUNS = 200
MEMORY_BATCH = 10  # users at once while filling up to MEMORY_RUNS (below the pool's capacity)
TICK = 0.010
GOAL_P50, GOAL_P99, GOAL_LAG_P99 = 0.250, 1.0, 0.020


@dataclass(frozen=True)
class Sample:
    """One /solve as the stand-in saw it: seconds to the callback and to the final edit."""

    ack: float
    total: float
    ok: bool  # the answer has the PNG (not the "busy" or an error message)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    """Milliseconds with one decimal."""
    return f"{seconds * 1e3:.1f} ms"


def rss_kib() -> int:
    """Resident set size of this process now (VmRSS), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class LoopWatch:
    """Sleeps TICK in a loop and records how late each wake-up is, and every GC pause, by phase.

    Set `phase` to a name to record under it; None records nothing.
    """

    def __init__(self) -> None:
        self.phase: str | None = None
        self.lags: dict[str, list[float]] = {}
        self.gc: dict[str, list[tuple[int, float]]] = {}  # phase -> (generation, seconds)
        self._gc_start = 0.0

    def _on_gc(self, stage: str, info: dict[str, int]) -> None:
        if stage == "start":
            self._gc_start = time.perf_counter()
        elif self.phase is not None:
            pause = time.perf_counter() - self._gc_start
            self.gc.setdefault(self.phase, []).append((info["generation"], pause))

    async def _tick(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(TICK)
            if self.phase is not None:
                lag = time.perf_counter() - start - TICK
                self.lags.setdefault(self.phase, []).append(lag)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[LoopWatch]:
        """Watch while the block runs."""
        task = asyncio.create_task(self._tick())
        gc.callbacks.append(self._on_gc)
        try:
            yield self
        finally:
            gc.callbacks.remove(self._on_gc)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def bare_run() -> bytes:
    """What a worker computes for the default /solve, without storage or Discord."""
    return render_convergence(solve(Settings(equation="x**2 - 2", x0=1.0, lr=0.01, steps=100)))


def one_thread() -> None:
    """One torch thread per worker, as bot.runtime's worker initializer sets."""
    torch.set_num_threads(1)


async def timed_in(pool: Executor, fn: Callable[[], object]) -> float:
    """Seconds from submitting `fn` to the pool until its result is back on the loop."""
    start = time.perf_counter()
    await asyncio.get_running_loop().run_in_executor(pool, fn)
    return time.perf_counter() - start


def breakdown(directory: Path, repeats: int = 10) -> dict[str, float]:
    """Median seconds of each part of a worker's job: solve, render (of which Figure.draw, which
    holds matplotlib's process-wide render lock) and store (SQLite, one fsync per commit)."""
    store = SqliteRunStore(directory / "breakdown.sqlite3", 50)
    times: dict[str, list[float]] = {"solve": [], "render": [], "draw": [], "store": []}
    real_draw = Figure.draw

    def timed_draw(self: Figure, renderer: Any) -> None:
        start = time.perf_counter()
        real_draw(self, renderer)
        times["draw"].append(time.perf_counter() - start)

    Figure.draw = timed_draw  # type: ignore[method-assign,assignment]
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            run = solve(Settings(equation="x**2 - 2", x0=1.0, lr=0.01, steps=100))
            solved = time.perf_counter()
            render_convergence(run)
            rendered = time.perf_counter()
            store.save(run, user_id=1, guild_id=1, channel_id=1, locale="en-US")
            times["solve"].append(solved - start)
            times["render"].append(rendered - solved)
            times["store"].append(time.perf_counter() - rendered)
    finally:
        Figure.draw = real_draw  # type: ignore[method-assign]
        store.close()
    return {part: statistics.median(values) for part, values in times.items()}


def final_edit(handle: InteractionHandle) -> tuple[float, bool] | None:
    """(time, has a file) of the edit that gave the deferred message its embed, if it came."""
    if handle.callback is not None and handle.callback.type == 4:  # refused before deferring
        return handle.callback.when, False
    original = handle.original
    for edit in original.edits if original is not None else []:
        if edit.snapshot.get("embeds"):
            return edit.time, bool(edit.snapshot.get("attachments"))
    return None


async def answered(standin: StandIn, handle: InteractionHandle) -> Sample:
    """Wait for the final answer of one /solve and time it from the dispatch."""
    when, ok = await standin.signal.wait_for(
        lambda: final_edit(handle), 120, f"the answer to {handle.id}"
    )
    assert handle.callback is not None
    return Sample(handle.callback.elapsed, when - handle.created, ok)


async def solve_as(standin: StandIn, users: list[dict[str, Any]]) -> list[Sample]:
    """/solve from every user at once; their samples once all are answered."""
    handles = await asyncio.gather(
        *(standin.invoke_command("solve", SOLVE, user=user) for user in users)
    )
    samples = await asyncio.gather(*(answered(standin, h) for h in handles))
    forget(standin)
    return list(samples)


def forget(standin: StandIn) -> None:
    """Drop the stand-in's records (PNGs, payloads) so memory growth is the bot's; no RESUME
    happens here, so the session's replay buffer can go too."""
    standin.requests.clear()
    standin.store.messages.clear()
    standin.store.by_id.clear()
    standin.store.attachments.clear()
    standin.interactions.clear()
    standin._by_token.clear()
    standin.gateway.frames.clear()
    standin.gateway.heartbeats.clear()
    for session in standin.gateway.sessions.values():
        session.events.clear()


AREAS = (
    ("epoll", "waiting in epoll (idle, then the GIL)"),
    ("_socket.socket", "socket calls (with GIL re-acquire)"),
    ("discord_standin", "stand-in"),
    ("/bot/", "bot/"),
    ("/solver/", "solver/"),
    ("discord/", "discord.py"),
    ("aiohttp", "aiohttp (client and server)"),
    ("asyncio", "asyncio"),
)


def loop_profile(profile: cProfile.Profile, top: int = 10) -> list[str]:
    """Loop-thread own time by area, then the functions with the most own time."""
    stats = pstats.Stats(profile)
    groups: dict[str, float] = {}
    rows = []
    for (path, line, name), (_, calls, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{path}:{name}"
        area = next((label for key, label in AREAS if key in where), "other")
        groups[area] = groups.get(area, 0.0) + own
        rows.append((own, f"{Path(path).name}:{line} {name} ({calls} calls)"))
    lines = [f"- {area}: {ms(own)}" for area, own in sorted(groups.items(), key=lambda i: -i[1])]
    lines.append("\nTop functions by own time:")
    lines += [f"- {ms(own)} {where}" for own, where in sorted(rows, reverse=True)[:top]]
    return lines


def full_collection() -> float:
    """Seconds one full collection takes now (what a generation-2 pause costs)."""
    start = time.perf_counter()
    gc.collect()
    return time.perf_counter() - start


async def measure(
    directory: Path, profile: cProfile.Profile | None, freeze: bool
) -> dict[str, Any]:
    """Every phase; see the module docstring."""
    out: dict[str, Any] = {"breakdown": breakdown(directory)}
    watch = LoopWatch()
    workers = LIMITS["workers"]
    threads = ThreadPoolExecutor(workers, initializer=one_thread)
    processes = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("forkserver"), initializer=one_thread
    )
    async with watch.running(), StandIn() as standin:
        watch.phase = "idle"
        await asyncio.sleep(1.0)
        watch.phase = None
        for pool in (threads, processes):
            for _ in range(WARMUP):
                await asyncio.gather(*(timed_in(pool, bare_run) for _ in range(workers)))
        config = write_config(directory, standin, limits=LIMITS)
        async with bot_in_process(standin, config):
            for _ in range(WARMUP):
                await solve_as(standin, [standin.user])
            runs = WARMUP
            if freeze:  # the suggested fix: start-up objects leave the collected generations
                gc.collect()
                gc.freeze()
            watch.phase = "bot"
            out["rss_before"] = rss_kib()
            out["bare"], out["one"] = [], []
            for _ in range(SEQUENTIAL):
                out["bare"].append(await timed_in(threads, bare_run))
                out["one"] += await solve_as(standin, [standin.user])
            runs += SEQUENTIAL
            users = [standin.make_user(f"user{i}") for i in range(USERS)]
            out["bare20"], out["proc20"], out["many"] = [], [], []
            for _ in range(ROUNDS):
                for phase, pool in (("bare20", threads), ("proc20", processes)):
                    watch.phase = phase
                    out[phase] += await asyncio.gather(
                        *(timed_in(pool, bare_run) for _ in range(USERS))
                    )
                watch.phase = "bot20"
                if profile is not None:
                    profile.enable()
                out["many"] += await solve_as(standin, users)
                if profile is not None:
                    profile.disable()
                watch.phase = "bot"
            runs += USERS * ROUNDS
            while runs < MEMORY_RUNS:
                batch = users[: min(MEMORY_BATCH, MEMORY_RUNS - runs)]
                await solve_as(standin, batch)
                runs += len(batch)
            out["runs"] = runs
            out["rss_after"] = rss_kib()
            watch.phase = None
            out["full_gc"] = full_collection()
            standin.assert_no_violations()
    threads.shutdown()
    processes.shutdown()
    out["lags"], out["gc"] = watch.lags, watch.gc
    db = directory / "runs.sqlite3"
    out["db_bytes"] = sum(
        p.stat().st_size for p in (db, db.with_name(db.name + "-wal")) if p.exists()
    )
    return out


def ideal_latencies(t1: float, workers: int) -> list[float]:
    """USERS jobs of t1 s submitted at once to `workers` truly parallel workers (as many cores):
    the k-th ends at ceil(k / workers) · t1."""
    return [math.ceil(k / workers) * t1 for k in range(1, USERS + 1)]


def mark(ok: bool) -> str:
    """✓ or ✗."""
    return "✓" if ok else "✗"


def table(r: dict[str, Any]) -> list[str]:
    """The markdown table."""
    t1 = statistics.median(r["bare"])
    ideal = ideal_latencies(t1, LIMITS["workers"])
    serial = ideal_latencies(t1, 1)
    one = [s.total for s in r["one"] if s.ok]
    many = [s.total for s in r["many"] if s.ok]
    busy = sum(not s.ok for s in r["many"])
    acks = [s.ack for s in r["one"] + r["many"]]
    lags = r["lags"]
    lag, bare_lag = lags["bot20"], lags["bare20"]
    rows = [
        "| measure | baseline (same run) | bot through the stand-in | ratio | goal |",
        "|---|---|---|---|---|",
    ]
    for q in (50, 99):
        rows.append(
            f"| 1 user, p{q} ({len(one)} runs) | bare solve+render p{q} {ms(pct(r['bare'], q))} "
            f"| {ms(pct(one, q))} | {pct(one, q) / pct(r['bare'], q):.2f}× | |"
        )
    for q, goal in ((50, GOAL_P50), (99, GOAL_P99)):
        rows.append(
            f"| {USERS} users at once, p{q} ({len(many)} answered, {busy} busy) "
            f"| bare: 2 threads {ms(pct(r['bare20'], q))}, 2 processes "
            f"{ms(pct(r['proc20'], q))}; ideal 2 cores {ms(pct(ideal, q))}, one at a time "
            f"{ms(pct(serial, q))} "
            f"| {ms(pct(many, q))} | {pct(many, q) / pct(r['bare20'], q):.2f}× "
            f"| ≤ {ms(goal)} {mark(pct(many, q) <= goal)} |"
        )
    rows.append(
        f"| time to ack, p99 ({len(acks)} runs) | — | {ms(pct(acks, 99))} | — "
        f"| < 3000 ms {mark(pct(acks, 99) < 3)} |"
    )
    for q, name in ((50, "p50"), (99, "p99"), (100, "max")):
        lag_goal = f"≤ {ms(GOAL_LAG_P99)} {mark(pct(lag, 99) <= GOAL_LAG_P99)}" if q == 99 else ""
        rows.append(
            f"| loop lag {name}, {USERS} users ({len(lag)} ticks) "
            f"| bare: 2 threads {ms(pct(bare_lag, q))}, 2 processes "
            f"{ms(pct(lags['proc20'], q))}; idle {ms(pct(lags['idle'], q))} "
            f"| {ms(pct(lag, q))} | {pct(lag, q) / max(pct(bare_lag, q), 1e-4):.1f}× | {lag_goal} |"
        )
    full = {phase: [p for g, p in found if g == 2] for phase, found in r["gc"].items()}
    everywhere = [p for found in full.values() for p in found]
    rows.append(
        f"| full GC pauses: in the {USERS}-user rounds; whole bot session | one gc.collect() "
        f"at the end {ms(r['full_gc'])} | {len(full.get('bot20', []))}, longest "
        f"{ms(max(full.get('bot20', []), default=0.0))}; {len(everywhere)}, longest "
        f"{ms(max(everywhere, default=0.0))} | — | |"
    )
    grown = r["rss_after"] - r["rss_before"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows.append(
        f"| RSS after {r['runs']} runs | {r['rss_before'] / 1024:.0f} MiB after warm-up "
        f"| {r['rss_after'] / 1024:.0f} MiB (+{grown / 1024:.1f} MiB, "
        f"{grown / (r['runs'] - WARMUP):.0f} KiB/run); peak {peak / 1024:.0f} MiB | — | |"
    )
    rows.append(
        f"| SQLite file + WAL after {r['runs']} runs | — | {r['db_bytes'] / 1024:.0f} KiB "
        f"({r['db_bytes'] / r['runs'] / 1024:.1f} KiB/run) | — | |"
    )
    return rows


async def main_async(profile_loop: bool, freeze: bool) -> None:
    """Measure and print."""
    started = time.perf_counter()
    profile = cProfile.Profile() if profile_loop else None
    with tempfile.TemporaryDirectory(prefix="bench-bot-") as tmp:
        r = await measure(Path(tmp), profile, freeze)
    print("\n".join(table(r)))
    parts = r["breakdown"]
    t1 = statistics.median(r["bare"])
    print(
        f"\nPer run in a worker (medians, measured first): solve {ms(parts['solve'])}, render "
        f"{ms(parts['render'])} (of which Figure.draw under matplotlib's process-wide lock "
        f"{ms(parts['draw'])}), store {ms(parts['store'])}. Ideal: {USERS} jobs of t1 = "
        f"{ms(t1)} (the paired bare p50) on {LIMITS['workers']} parallel workers, 2 cores; "
        f"p50 ≤ 250 ms needs t1 ≤ {ms(GOAL_P50 / math.ceil(USERS / 2 / LIMITS['workers']))} "
        f"even then. "
        f"Goals: p50 ≤ 250 ms and p99 ≤ 1 s with {USERS} users, loop lag p99 ≤ 20 ms."
        f"{' Ran with gc.freeze() after start-up.' if freeze else ''}"
        f" Total {time.perf_counter() - started:.0f} s."
    )
    if profile is not None:
        print("\nEvent-loop thread during the 20-user rounds, own time by area:")
        print("\n".join(loop_profile(profile)))


def main() -> None:
    """Parse flags and run."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="profile the loop (slower)")
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after start-up (a suggested fix)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main_async(args.profile, args.gc_freeze))


if __name__ == "__main__":
    main()
