"""Storage cost of a run: packed columns against the JSON rows of schema v1, in the same process.

1. Bytes per run at 100, 1,000 and 10,000 steps for each optimizer and precision: the JSON text
   schema v1 stored (`json.dumps(run.to_dict())`) against `bot.storage.packed.pack`, and the
   same without predictions (every column as plain deltas, as PKD1 stored them).
2. Time to encode and decode a 100-step run, both ways, and a store's save and get (SQLite).
3. A SQLite store after 2,000 mixed runs from 200 users under a 20 MB budget, pruned as the
   bot's pruner does (after saves): its file size, its summed budget, the runs it kept; then
   the same under 2 MB, where the budget bites.

Prints markdown tables; run with `python bench/bench_storage.py`.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.storage.budget import Budget
from bot.storage.packed import pack, unpack
from bot.storage.sqlite import SqliteRunStore
from solver import OPTIMIZERS, PRECISIONS, Run, Settings, solve

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
    store = SqliteRunStore(folder / "times.sqlite3", 1000)  # keeps every run saved here
    try:

        def save() -> int:
            return store.save(run, user_id=1, guild_id=None, channel_id=2, locale="en")

        run_id = save()
        saved = median_ms(save, 50)
        got = median_ms(lambda: store.get(run_id))
    finally:
        store.close()
    print(f"| SqliteRunStore.save (one fsync) | | {saved:.2f} ms |")
    print(f"| SqliteRunStore.get | | {got:.2f} ms |")


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
        kept, summed = store.count(), store.total_bytes()
    finally:
        store.close()
    size = path.stat().st_size
    print(f"\n{MIXED_RUNS:,} mixed runs (100 / 1,000 / 10,000 steps, every optimizer and")
    print(f"precision, 200 users, keep_runs_per_user 50) under max_bytes = {max_bytes:,}:\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| runs kept | {kept:,} |")
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
