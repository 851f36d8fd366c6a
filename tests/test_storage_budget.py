"""The byte budget (issue #16) on both backends: pruning oldest first past the store's and each
user's budget, expiry by age, the pruner thread, a hostile flood, the expiry reply, SIGKILL."""

import asyncio
import math
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from store_backends import Backend, bits, save

from bot.config import Config, LimitsConfig, SolverConfig, StorageConfig
from bot.runtime import build_tutor, close_tutor
from bot.storage import RunStore
from bot.storage.budget import DAY, Budget
from bot.storage.packed import pack, unpack
from bot.storage.postgres import PostgresRunStore
from bot.storage.pruner import Pruner
from bot.storage.rows import INSERT, insert_row, pg, stored_bytes
from bot.storage.sqlite import SqliteRunStore
from bot.tutor.caller import Caller
from bot.tutor.errors import UserError
from solver import Run, Settings, solve
from solver.words import t

KIB = 1024


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    path = tmp_path / "runs.sqlite3"
    if request.param == "sqlite":
        return Backend("sqlite", StorageConfig(path=path))
    return Backend(
        "postgres", StorageConfig(path=path, url=request.getfixturevalue("postgres_url"))
    )


def open_with(backend: Backend, budget: Budget, clock: "Clock | None" = None) -> RunStore:
    extra = {"clock": clock} if clock else {}
    if backend.kind == "sqlite":
        return SqliteRunStore(backend.config.path, 1000, budget=budget, **extra)
    return PostgresRunStore(backend.config.url, 1000, budget=budget, **extra)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1.7e9

    def __call__(self) -> float:
        return self.now


def row_sizes(backend: Backend) -> dict[int, int]:
    return {i: n for i, n in backend.execute("SELECT id, stored_bytes FROM runs ORDER BY id")}


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    """Runs of different sizes: 100 and 800 steps, every optimizer and precision."""
    return [
        solve(Settings(optimizer=o, steps=n, precision=p, x0=1.0 + n / 1e4))
        for n in (100, 800)
        for o in ("sgd", "momentum", "adam")
        for p in ("float32", "float64")
    ]


def test_past_the_budget_the_oldest_runs_go_and_answer_expired(
    backend: Backend, runs: list[Run]
) -> None:
    store = open_with(backend, Budget(max_bytes=40 * KIB, keep_bytes_per_user=10**9))
    try:
        ids = [save(store, run, user=i % 5) for i, run in enumerate(runs * 3)]
        assert store.total_bytes() > 40 * KIB  # saving alone never prunes by bytes
        assert store.prune() > 0
        sizes = row_sizes(backend)
        assert store.total_bytes() == sum(sizes.values()) <= 40 * KIB
        kept = sorted(sizes)
        assert kept == ids[-len(kept) :]  # the newest, whoever owns them
        # One run more would not have fitted: the prune kept as much as it could.
        first_gone = (runs * 3)[len(ids) - len(kept) - 1]
        assert sum(sizes.values()) + size_of(first_gone) > 40 * KIB
        for run_id in ids:
            stored = store.get(run_id)
            if stored is None:
                assert store.expired(run_id), run_id
            else:
                assert bits(stored.run.to_dict()) == bits((runs * 3)[run_id - 1].to_dict())
        assert not store.expired(ids[-1] + 1)  # never handed out: unknown, not expired
        assert store.prune() == 0
    finally:
        store.close()


def size_of(run: Run) -> int:
    return stored_bytes(run.settings.equation, pack(run))


def test_each_user_keeps_their_newest_runs_within_their_budget(
    backend: Backend, runs: list[Run]
) -> None:
    store = open_with(backend, Budget(max_bytes=10**9, keep_bytes_per_user=16 * KIB))
    try:
        quiet = [save(store, run, user=1) for run in runs[:3]]  # 100-step runs: ~1-4 KB each
        loud = [save(store, run, user=2) for run in runs[::-1] * 2]  # the newest small
        store.prune()
        assert all(store.get(i) is not None for i in quiet)
        sizes = row_sizes(backend)
        kept = [i for i in loud if i in sizes]
        assert kept == loud[-len(kept) :] and len(kept) > 1
        assert sum(sizes[i] for i in kept) <= 16 * KIB
        # A run larger than the whole budget still stays while it is the user's newest.
        huge = solve(Settings(optimizer="adam", precision="float64", steps=1000, x0=3.0))
        # y made noise (and the loss no longer y²): nothing predicts or compresses it.
        huge.iterations = [it._replace(y=math.sin(1e3 * it.k)) for it in huge.iterations]
        newest = save(store, huge, user=3)
        assert row_sizes(backend)[newest] > 16 * KIB
        store.prune()
        assert store.get(newest) is not None
    finally:
        store.close()


def test_runs_older_than_keep_days_expire(backend: Backend, runs: list[Run]) -> None:
    clock = Clock()
    store = open_with(backend, Budget(keep_days=2), clock)
    try:
        old = save(store, runs[0])
        clock.now += 1.5 * DAY
        young = save(store, runs[1])
        assert store.prune() == 0
        clock.now += 1 * DAY  # old is 2.5 days old, young 1
        assert store.prune() == 1
        assert store.get(old) is None and store.expired(old)
        assert store.get(young) is not None and not store.expired(young)
    finally:
        store.close()


def test_the_pruner_thread_prunes_after_a_save(backend: Backend, runs: list[Run]) -> None:
    store = open_with(backend, Budget(max_bytes=20 * KIB, keep_bytes_per_user=10**9))
    pruner = Pruner(store, interval=3600)  # only saves wake it in this test
    pruner.start()
    try:
        for run in runs * 2:
            save(store, run)
        done = threading.Event()

        def settled() -> None:
            while store.total_bytes() > 20 * KIB:
                store.saved.wait(0.05)
            done.set()

        threading.Thread(target=settled, daemon=True).start()
        assert done.wait(60), "the pruner never brought the store within its budget"
    finally:
        pruner.stop()
        store.close()


@pytest.fixture(scope="module")
def longest() -> list[Run]:
    """The largest runs a default config allows: 10,000 steps of Adam in float64 on an equation
    whose y and dL/dx jump about like noise (~150 KB packed)."""
    return [
        solve(Settings("sin(1000*x)", x0, 1.0, 10_000, optimizer="adam", precision="float64"))
        for x0 in (1.0, -1.5)
    ]


def test_a_hostile_flood_of_the_longest_runs_stays_within_the_budget(
    backend: Backend, longest: list[Run]
) -> None:
    """Many accounts asking for the most steps again and again: after every prune the store is
    within max_bytes, and a SQLite file stops growing once it is full (freed pages are reused)."""
    budget = Budget(max_bytes=400 * KIB, keep_bytes_per_user=120 * KIB)
    store = open_with(backend, budget)
    file_sizes = []
    try:
        victim = save(store, longest[0], user=1)
        for round_ in range(12):
            for account in range(100, 106):
                save(store, longest[(round_ + account) % 2], user=account)
                store.prune()
                assert store.total_bytes() <= budget.max_bytes
                per_user = backend.execute(
                    "SELECT user_id, sum(stored_bytes), count(*) FROM runs GROUP BY user_id"
                )
                for _, total, count in per_user:
                    assert total <= budget.keep_bytes_per_user or count == 1
            if backend.kind == "sqlite":
                file_sizes.append(backend.config.path.stat().st_size)
        assert store.get(victim) is None and store.expired(victim)  # the flood pushed it out
    finally:
        store.close()
    if file_sizes:
        assert file_sizes[-1] <= file_sizes[3] * 1.2, file_sizes


async def test_every_button_on_a_pruned_run_answers_that_it_expired(backend: Backend) -> None:
    """Through the Tutor: a user's runs pushed out by their own flood answer /explain, the CSV
    and the re-run buttons with the expiry reply, in their language; nothing else is lost."""
    storage = StorageConfig(
        path=backend.config.path,
        url=backend.config.url,
        max_bytes=2**20,
        keep_bytes_per_user=2**15,
    )
    config = Config(
        solver=SolverConfig(max_steps=1500),
        limits=LimitsConfig(workers=1, queue=1, render_processes=0, cooldown_seconds=0),
        storage=storage,
    )
    tutor = build_tutor(config)
    alice, bob = Caller(user_id=1, channel_id=10), Caller(user_id=2, channel_id=10, locale="ja")
    try:
        kept = (await tutor.run_solve(tutor.admit_solve(alice))).run_id
        answered = []
        for i in range(6):  # the most steps, again and again
            job = tutor.admit_solve(
                bob, steps=1500, optimizer="adam", precision="float64", x0=1.0 + i / 8
            )
            answered.append((await tutor.run_solve(job)).run_id)
            await asyncio.to_thread(tutor.store.prune)
        assert tutor.store.total_bytes() <= 2**20
        for run_id in answered:
            assert run_id is not None
            if tutor.store.get(run_id) is not None:
                continue
            for ask in (
                tutor.explain(bob, 1, run_id),
                tutor.export_csv(bob, run_id),
                tutor.step(bob, run_id, 3),
                tutor.admit_rerun(bob, run_id, 2.0),
            ):
                with pytest.raises(UserError) as info:
                    await ask
                assert (info.value.key, info.value.params) == (
                    "storage.run_expired",
                    {"run_id": run_id},
                )
                assert f"実行 #{run_id} は期限切れです" in info.value.text("ja")
        assert tutor.store.get(answered[0]) is None  # the flood did prune
        assert tutor.store.get(answered[-1]) is not None
        assert kept is not None and (await tutor.explain(alice, 1, kept)).run_id == kept
        assert "has expired" in t("en", "storage.run_expired", run_id=1)
    finally:
        await asyncio.to_thread(close_tutor, tutor)


def fill(backend: Backend, run: Run, rows: int) -> None:
    """`rows` copies of `run` from 40 users, inserted in one transaction (no per-run fsync)."""
    row = insert_row(run, 0, None, 1, "en", 1.7e9)
    values = [(i % 40, *row[1:4], 1.7e9 + i, *row[5:]) for i in range(rows)]
    if backend.kind == "sqlite":
        SqliteRunStore(backend.config.path, 1).close()  # create the schema
        with sqlite3.connect(backend.config.path) as db:
            db.executemany(INSERT, values)
        db.close()
        return
    PostgresRunStore(backend.config.url, 1).close()
    with psycopg.connect(backend.config.url) as conn, conn.cursor() as cursor:
        cursor.executemany(pg(INSERT), values)


PRUNING_CHILD = """
import sys
from pathlib import Path
from bot.storage.budget import Budget
from bot.storage.postgres import PostgresRunStore
from bot.storage.sqlite import SqliteRunStore
path, url = sys.argv[1], sys.argv[2]
store = PostgresRunStore(url, 10**5) if url else SqliteRunStore(Path(path), 10**5)
for max_bytes in range(4_000_000, 0, -600_000):
    store._budget = Budget(max_bytes=max_bytes, keep_bytes_per_user=10**12)
    print(store.prune(), flush=True)
"""


def test_sigkill_while_pruning_leaves_a_consistent_database(backend: Backend) -> None:
    run = solve(Settings(optimizer="adam", precision="float64", steps=100))  # 2000 make ~3 MB
    fill(backend, run, 2000)
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-c", PRUNING_CHILD, str(backend.config.path), backend.config.url]
    child = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    while int(child.stdout.readline()) == 0:  # budgets past what the store holds
        pass
    assert child.poll() is None  # one prune deleted runs; the next is under way
    child.send_signal(signal.SIGKILL)
    assert child.wait(60) == -signal.SIGKILL
    if backend.kind == "sqlite":
        with sqlite3.connect(backend.config.path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.close()
    store = open_with(backend, Budget())
    try:
        sizes = row_sizes(backend)
        assert 0 < len(sizes) < 2000
        assert sorted(sizes) == list(range(2001 - len(sizes), 2001))  # oldest went first, whole
        assert store.total_bytes() == sum(sizes.values())
        expected = bits(run.to_dict())
        for run_id, blob, size in backend.execute("SELECT id, run_packed, stored_bytes FROM runs"):
            assert bits(unpack(bytes(blob)).to_dict()) == expected, run_id
            assert size == stored_bytes(run.settings.equation, bytes(blob))
        stored = store.get(max(sizes))
        assert stored is not None and bits(stored.run.to_dict()) == expected
    finally:
        store.close()
