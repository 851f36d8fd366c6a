"""Storage cost of a run: packed columns against the JSON rows of schema v1, in the same process.

1. Bytes per run at 100, 1,000 and 10,000 steps for each optimizer and precision: the JSON text
   schema v1 stored (`json.dumps(run.to_dict())`) against `bot.storage.packed.pack`, and the
   same without predictions (every column as plain deltas, then compressed alike).
2. Time to encode and decode a 100-step run, both ways, and a store's save and get (SQLite and
   PostgreSQL), against the disk's own fsync measured in the same run.
3. A SQLite store after 2,000 mixed runs from 200 users under a 20 MB budget, pruned as the
   bot's pruner does (after saves): its file size, its summed budget, the runs it kept whole
   and those stripped to their settings; then the same under 2 MB, where the budget bites.

Prints markdown tables; run with `python bench/bench_storage.py`.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from postgres_server import started_server  # noqa: E402

from bot.storage import RunStore  # noqa: E402
from bot.storage.budget import Budget  # noqa: E402
from bot.storage.packed import pack, unpack  # noqa: E402
from bot.storage.postgres import PostgresRunStore  # noqa: E402
from bot.storage.sqlite import SqliteRunStore  # noqa: E402
from solver import OPTIMIZERS, PRECISIONS, Run, Settings, solve  # noqa: E402

REPEATS = 200
MIXED_RUNS = 2000
BUDGETS = (20_000_000, 2_000_000)


def json_text(run: Run) -> str:
    """The row schema v1 stored for `run`."""
    return json.dumps(run.to_dict(), separators=(",", ":"))


def median_ms(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def sizes_table() -> None:
    print("| run | JSON (v1) | packed, no predictions | packed | ratio |")
    print("|---|---|---|---|---|")
    for precision in PRECISIONS:
        for steps in (100, 1000, 10_000):
            for optimizer in OPTIMIZERS:
                run = solve(Settings(optimizer=optimizer, precision=precision, steps=steps))
                old, new = len(json_text(run).encode()), len(pack(run))
                plain = len(pack(run, predictions=False))
                name = f"{steps:,} steps, {optimizer}, {precision} ({run.outcome.value})"
                print(f"| {name} | {old:,} B | {plain:,} B | {new:,} B | {old / new:.0f}× |")


def times_table(folder: Path) -> None:
    print("\n| 100-step Adam run (float32), median | JSON (v1) | packed |")
    print("|---|---|---|")
    run = solve(Settings(optimizer="adam", steps=100))
    text, blob = json_text(run), pack(run)
    encode = (median_ms(lambda: json_text(run)), median_ms(lambda: pack(run)))
    decode = (median_ms(lambda: Run.from_dict(json.loads(text))), median_ms(lambda: unpack(blob)))
    print(f"| encode | {encode[0]:.2f} ms | {encode[1]:.2f} ms |")
    print(f"| decode | {decode[0]:.2f} ms | {decode[1]:.2f} ms |")
    saved, got = save_and_get_ms(SqliteRunStore(folder / "times.sqlite3", 1000), run)
    print(f"| SqliteRunStore.save (one fsync) | | {saved:.2f} ms |")
    print(f"| SqliteRunStore.get | | {got:.2f} ms |")
    print(f"| baseline: os.fsync of 4 KiB on the same disk | | {fsync_ms(folder):.2f} ms |")
    server = started_server()
    try:
        pg_saved, pg_got = save_and_get_ms(PostgresRunStore(server.new_database(), 1000), run)
    finally:
        server.remove()
    print(f"| PostgresRunStore.save (local server, fsync off) | | {pg_saved:.2f} ms |")
    print(f"| PostgresRunStore.get | | {pg_got:.2f} ms |")


def save_and_get_ms(store: RunStore, run: Run) -> tuple[float, float]:
    """The medians of `store.save(run)` and of reading it back; then the store is closed.
    It keeps every run saved here (1,000 per user)."""
    try:

        def save() -> int:
            return store.save(run, user_id=1, guild_id=None, channel_id=2, locale="en")

        run_id = save()
        return median_ms(save, 50), median_ms(lambda: store.get(run_id))
    finally:
        store.close()


def fsync_ms(folder: Path) -> float:
    """The disk's own cost of one commit: a 4 KiB write and its fsync, median."""
    with (folder / "fsync.bin").open("wb") as f:

        def write_and_sync() -> None:
            f.write(b"\0" * 4096)
            f.flush()
            os.fsync(f.fileno())

        return median_ms(write_and_sync, 50)


def mixed_store(folder: Path, max_bytes: int) -> None:
    rng = random.Random(16)
    pool = [
        solve(Settings(optimizer=o, precision=p, steps=n, x0=rng.uniform(-3, 3)))
        for n in (100, 100, 100, 1000, 10_000)
        for o in OPTIMIZERS
        for p in PRECISIONS
    ]
    path = folder / f"mixed-{max_bytes}.sqlite3"
    budget = Budget(max_bytes=max_bytes, keep_bytes_per_user=max_bytes)
    store = SqliteRunStore(path, 50, budget=budget)
    json_total = 0
    try:
        for _ in range(MIXED_RUNS):
            run = rng.choice(pool)
            json_total += len(json_text(run).encode())
            store.save(run, user_id=rng.randrange(200), guild_id=None, channel_id=1, locale="en")
            if store.saved.is_set():  # as the pruner: once per save, after it
                store.saved.clear()
                store.prune()
        summed = store.total_bytes()
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        whole, stripped = db.execute(
            "SELECT count(run_packed), count(*) - count(run_packed) FROM runs"
        ).fetchone()
    db.close()
    size = path.stat().st_size
    print(f"\n{MIXED_RUNS:,} mixed runs (100 / 1,000 / 10,000 steps, every optimizer and")
    print(f"precision, 200 users, keep_runs_per_user 50) under max_bytes = {max_bytes:,}:\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| runs kept whole | {whole:,} |")
    print(f"| runs stripped to their settings | {stripped:,} |")
    print(f"| their summed `stored_bytes` | {summed:,} B |")
    print(f"| SQLite file (WAL checkpointed) | {size:,} B |")
    print(f"| the same {MIXED_RUNS:,} runs as v1 JSON text | {json_total:,} B |")


def main() -> None:
    """Measure and print the tables."""
    sizes_table()
    with tempfile.TemporaryDirectory() as folder:
        times_table(Path(folder))
        for max_bytes in BUDGETS:
            mixed_store(Path(folder), max_bytes)


if __name__ == "__main__":
    main()
