"""The scaled deployment: /solve throughput with 1 and with 2 `python -m bot.worker` processes
on the same Redis, and the latency the queue adds to a /solve against the local pools.

Everything runs on this machine over loopback: the Discord stand-in and the bot (the local
one, then the gateway) in this process through `run_discord`, the workers as processes
started as production starts them, a real Redis (tests/redis_server.py) and a real
PostgreSQL (tests/postgres_server.py) for the runs of both.

- Latency: one /solve at a time (default problem, a fresh x0 each, so nothing is shared),
  from the dispatch of its INTERACTION_CREATE to the edit that shows its numbers; the local
  pools (1 worker thread) against the gateway with 1 worker process. The queue's own part is
  read from the worker's log: how long after the interaction was created (its snowflake's
  time) the worker took the job — the gateway's defer and enqueue, Redis, the worker's read.
  The difference of the end-to-end medians is printed too; on a busy machine it mostly
  measures the noise of two separate runs.
- Throughput: BURST distinct /solve of BURST_STEPS steps at once, from the dispatch of the
  first to the picture of the last; 1 worker process, then 2 (each 1 thread, 1 core). The
  gateway and the stand-in share the same 2 cores, so the ratio is a floor.

Run `python bench/bench_scale.py` from the repo root.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from bench_bot import Sample, forget, fresh_x0, ms, pct, timeline  # noqa: E402
from bot_harness import bot_in_process, write_config  # noqa: E402
from discord_standin import StandIn  # noqa: E402
from postgres_server import PostgresServer, started_server  # noqa: E402
from redis_server import RedisServer, started_redis  # noqa: E402
from scale_harness import worker_process  # noqa: E402

SINGLE = 25
BURST = 12
# Long runs, so that the workers' torch dominates the gateway's and the stand-in's share of
# the two cores (they run in this process); the figure costs the same at any length.
BURST_STEPS = 20000
GOALS = {"ratio": 1.6, "added_p50": 0.015}
# One 5000-step solve with one torch thread, in a process of its own; prints its seconds.
SOLVE_ALONE = (
    "import time, torch; torch.set_num_threads(1); from solver import Settings, solve;"
    "solve(Settings(steps=10)); t = time.perf_counter(); solve(Settings(steps=5000));"
    "print(time.perf_counter() - t)"
)
TOOK = re.compile(r"took solve for interaction \d+, ([\d.]+) ms after it was created")


def config_for(directory: Path, standin: StandIn, postgres_url: str, redis_url: str | None) -> Path:
    """One worker thread, no cooldown, runs in PostgreSQL; queued when `redis_url` is given."""
    directory.mkdir(parents=True, exist_ok=True)
    sections: dict[str, dict[str, Any]] = {
        "limits": {"workers": 1, "queue": 200, "cooldown_seconds": 0, "render_processes": 1},
        "storage": {"url": postgres_url},
        "solver": {"max_steps": BURST_STEPS},
    }
    if redis_url is not None:
        sections["queue"] = {"url": redis_url}
        sections["limits"]["render_processes"] = 0  # a worker draws in a thread of its own
    return write_config(directory, standin, **sections)


async def solve_all(standin: StandIn, users: list[dict[str, Any]], steps: int) -> list[Sample]:
    """/solve from every user at once, each with a fresh x0; their samples."""
    handles = await asyncio.gather(
        *(
            standin.invoke_command("solve", {"x0": fresh_x0(), "steps": steps}, user=user)
            for user in users
        )
    )
    samples = await asyncio.gather(
        *(standin.signal.wait_for(lambda h=h: timeline(h), 300, "an answer") for h in handles)
    )
    forget(standin)
    return list(samples)


async def singles(standin: StandIn) -> list[float]:
    """Seconds to the numbers of SINGLE /solve, one at a time, after a warm-up."""
    user = [standin.make_user("alone")]
    for _ in range(3):
        await solve_all(standin, user, 100)
    out = []
    for _ in range(SINGLE):
        (sample,) = await solve_all(standin, user, 100)
        assert sample.numbers is not None
        out.append(sample.numbers)
    return out


async def burst(standin: StandIn, size: int = BURST, steps: int = BURST_STEPS) -> float:
    """Seconds from the first dispatch to the last picture of `size` distinct /solve at once."""
    users = [standin.make_user(f"user{i}") for i in range(size)]
    samples = await solve_all(standin, users, steps)
    assert all(s.picture is not None for s in samples), "a /solve was refused"
    return max(s.picture for s in samples if s.picture is not None)


def machine_ceiling() -> float:
    """How much faster two solving processes finish two runs than one process does, on this
    machine now: 2 on two idle cores, less when other work holds them. The workers' ratio
    cannot beat it."""

    def solving() -> subprocess.Popen[str]:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        command = [sys.executable, "-c", SOLVE_ALONE]
        return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)

    def seconds(process: subprocess.Popen[str]) -> float:
        out, _ = process.communicate(timeout=300)
        return float(out)

    alone = statistics.median(seconds(solving()) for _ in range(3))
    pair = [solving(), solving()]
    together = max(seconds(p) for p in pair)
    return 2 * alone / together


@contextlib.asynccontextmanager
async def servers() -> AsyncIterator[tuple[RedisServer, PostgresServer]]:
    """Redis and PostgreSQL for the whole benchmark."""
    redis, postgres = started_redis(), started_server()
    try:
        yield redis, postgres
    finally:
        redis.remove()
        postgres.remove()


async def measure(tmp: Path) -> dict[str, Any]:
    """Every figure of the benchmark."""
    out: dict[str, Any] = {"ceiling": machine_ceiling()}
    async with servers() as (redis, postgres):
        async with StandIn() as standin:
            config = config_for(tmp / "local", standin, postgres.new_database(), None)
            async with bot_in_process(standin, config):
                out["local"] = await singles(standin)
        async with StandIn() as standin:
            queued = config_for(tmp / "queued", standin, postgres.new_database(), redis.url)
            async with bot_in_process(standin, queued):
                logs = queued.parent
                async with worker_process(standin, queued, logs / "w1.log") as w1:
                    out["queued"] = await singles(standin)
                    waits = [float(ms) / 1e3 for ms in TOOK.findall(w1.log())]
                    out["wait"] = waits[-SINGLE:]  # the timed ones, not the warm-up
                    out["one"] = await burst(standin)
                    async with worker_process(standin, queued, logs / "w2.log"):
                        await burst(standin, 4, 100)  # the new worker's first runs
                        out["two"] = await burst(standin)
            standin.assert_no_violations()
    return out


def report(r: dict[str, Any]) -> list[str]:
    """The table the README shows."""
    local, queued = statistics.median(r["local"]), statistics.median(r["queued"])
    added = queued - local
    wait = statistics.median(r["wait"])
    one, two = BURST / r["one"], BURST / r["two"]
    ratio = two / one
    mark = {True: "✓", False: "✗"}
    return [
        "| measure | local pools | queue | goal |",
        "|---|---:|---:|---|",
        f"| /solve to its numbers, p50 (one at a time, {SINGLE} runs) | {ms(local)} "
        f"| {ms(queued)} | |",
        f"| /solve to its numbers, p90 | {ms(pct(r['local'], 90))} "
        f"| {ms(pct(r['queued'], 90))} | |",
        f"| difference of the medians | | {added * 1e3:+.0f} ms | |",
        f"| the queue's own part, p50: interaction created → a worker took the job "
        f"(defer, enqueue, Redis, the worker's read) | | {wait * 1e3:.1f} ms "
        f"| ≤ {GOALS['added_p50'] * 1e3:.0f} ms {mark[wait <= GOALS['added_p50']]} |",
        f"| the same, p90 | | {pct(r['wait'], 90) * 1e3:.1f} ms | |",
        f"| throughput, 1 worker process ({BURST} × {BURST_STEPS} steps) | | {one:.1f} /s | |",
        f"| throughput, 2 worker processes | | {two:.1f} /s | |",
        f"| 2 workers / 1 worker | | {ratio:.2f}× "
        f"| ≥ {GOALS['ratio']}× {mark[ratio >= GOALS['ratio']]} |",
        f"| the machine's ceiling now: 2 solving processes / 1 | | {r['ceiling']:.2f}× | |",
    ]


async def main_async() -> None:
    """Measure and print."""
    began = time.perf_counter()
    print(f"load average before: {os.getloadavg()}; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        results = await measure(Path(tmp))
    print("\n".join(report(results)))
    print(f"load average after: {os.getloadavg()}; total {time.perf_counter() - began:.0f} s.")


def main() -> None:
    """Run."""
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main_async())


if __name__ == "__main__":
    main()
