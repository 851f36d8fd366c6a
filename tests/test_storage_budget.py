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
from bot.tutor.expired import RunExpired
from solver import Run, Settings, given_number, solve
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


def test_past_the_budget_the_oldest_runs_are_stripped_then_dropped(
    backend: Backend, runs: list[Run]
) -> None:
    store = open_with(backend, Budget(max_bytes=40 * KIB, keep_bytes_per_user=10**9))
    saved = runs * 3
    try:
        ids = [save(store, run, user=i % 5) for i, run in enumerate(saved)]
        assert store.total_bytes() > 40 * KIB  # saving alone never prunes by bytes
        assert store.prune() > 0
        sizes = row_sizes(backend)
        assert store.total_bytes() == sum(sizes.values()) <= 40 * KIB
        full = [i for i in ids if store.get(i) is not None]
        stripped = [i for i in sizes if i not in full]
        dropped = [i for i in ids if i not in sizes]
        # Oldest first, whoever owns them: dropped, then stripped, then the full newest runs.
        assert dropped + stripped + full == ids and full and stripped
        for run_id in full:
            stored = store.get(run_id)
            assert stored is not None and bits(stored.run.to_dict()) == bits(
                saved[run_id - 1].to_dict()
            )
            assert not store.expired(run_id)
        for run_id in stripped:  # the settings stay, at the cost of the equation and the row
            assert store.expired(run_id) and store.settings(run_id) == saved[run_id - 1].settings
            assert sizes[run_id] == stored_bytes(saved[run_id - 1].settings.equation, b"")
        for run_id in dropped:
            assert store.expired(run_id) and store.settings(run_id) is None
        # The prune kept as much as it could: one more full run, or one more stripped row,
        # would not have fitted.
        first_stripped = saved[full[0] - 2]
        assert sum(sizes.values()) + len(pack(first_stripped)) > 40 * KIB
        assert not store.expired(ids[-1] + 1)  # never handed out: unknown, not expired
        assert store.settings(ids[-1] + 1) is None
        assert store.prune() == 0
    finally:
        store.close()


def test_stripped_runs_go_too_once_they_alone_are_past_the_budget(backend: Backend) -> None:
    """The newest runs stay whole while they fit; stripped rows fill what is left, oldest out."""
    run = solve(Settings(optimizer="momentum", precision="float64", steps=300))
    full_size, stripped_size = size_of(run), stored_bytes(run.settings.equation, b"")
    assert full_size > 2 * stripped_size
    budget = 2 * full_size + 2 * stripped_size
    store = open_with(backend, Budget(max_bytes=budget, keep_bytes_per_user=10**9))
    try:
        ids = [save(store, run, user=i) for i in range(10)]
        store.prune()
        assert row_sizes(backend) == {
            ids[-4]: stripped_size,
            ids[-3]: stripped_size,
            ids[-2]: full_size,
            ids[-1]: full_size,
        }
        assert [store.settings(i) for i in ids] == [None] * 6 + [run.settings] * 4
        assert store.total_bytes() == budget and store.prune() == 0
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
        full = [i for i in loud if store.get(i) is not None]
        assert full == loud[-len(full) :] and len(full) > 1
        assert sum(sizes[i] for i in loud if i in sizes) <= 16 * KIB
        stripped = [i for i in loud if i in sizes and i not in full]
        assert all(store.settings(i) is not None for i in stripped)
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


def test_runs_older_than_keep_days_lose_their_iterations(backend: Backend, runs: list[Run]) -> None:
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
        assert store.settings(old) == runs[0].settings  # kept, for "run it again"
        assert store.get(young) is not None and not store.expired(young)
        assert store.prune() == 0  # a stripped run is not stripped again
        latest = store.latest(1, 10)
        assert latest is not None and latest.id == young == store.latest_id(1, 10)
        clock.now += 2 * DAY
        assert store.prune() == 1
        assert store.latest(1, 10) is None and store.latest_id(1, 10) == young
        assert store.latest_id(1, 11) is None and store.latest_id(2, 10) is None
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
    and the steps with the expiry reply, in their language, naming the kept settings; the
    re-run buttons still work, and Run again gives the very numbers that were pruned."""
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
        answered: dict[int, Run] = {}
        for i in range(6):  # the most steps, again and again
            job = tutor.admit_solve(
                bob, steps=1500, optimizer="adam", precision="float64", x0=1.0 + i / 8
            )
            run_id = (await tutor.run_solve(job)).run_id
            assert run_id is not None
            stored = tutor.store.get(run_id)
            assert stored is not None
            answered[run_id] = stored.run
            await asyncio.to_thread(tutor.store.prune)
        assert tutor.store.total_bytes() <= 2**20
        pruned = [i for i in answered if tutor.store.get(i) is None]
        assert pruned and pruned[0] == min(answered)  # the flood did prune, oldest first
        assert tutor.store.get(max(answered)) is not None
        # Stripped rows keep their settings while they fit in what the whole runs leave.
        stripped = [i for i in pruned if tutor.store.settings(i) is not None]
        assert stripped and stripped == pruned[-len(stripped) :]
        for run_id in pruned[: -len(stripped)]:  # dropped: no settings to offer
            with pytest.raises(RunExpired) as dropped:
                await tutor.explain(bob, 1, run_id)
            assert dropped.value.settings is None and dropped.value.buttons("ja") == []
        for run_id in stripped:
            for ask in (
                tutor.explain(bob, 1, run_id),
                tutor.export_csv(bob, run_id),
                tutor.step(bob, run_id, 3),
            ):
                with pytest.raises(RunExpired) as info:
                    await ask
                assert info.value.settings == answered[run_id].settings
                text = info.value.text("ja")
                assert f"実行 #{run_id} は期限切れです" in text
                assert f"初期値:{given_number(answered[run_id].settings.x0)}" in text
                assert "最適化手法:adam" in text and "精度:float64" in text
                [[again]] = info.value.buttons("ja")
                assert (again.label, again.custom_id) == ("もう一度実行", f"gd:again:{run_id}")
        # Run again (factor 1) computes the pruned run anew: the same numbers, bit for bit.
        rerun = await tutor.run_solve(await tutor.admit_rerun(bob, stripped[0], 1.0))
        assert rerun.run_id is not None
        again = tutor.store.get(rerun.run_id)
        assert again is not None
        assert bits(again.run.to_dict()["iterations"]) == bits(
            answered[stripped[0]].to_dict()["iterations"]
        )
        doubled = await tutor.run_solve(await tutor.admit_rerun(bob, stripped[-1], 2.0))
        assert "学習率 = 0.02 · ステップ数 = 1500 · adam · float64" in doubled.as_text()
        assert kept is not None and (await tutor.explain(alice, 1, kept)).run_id == kept
        assert "has expired" in t("en", "storage.run_expired", run_id=1)
    finally:
        await asyncio.to_thread(close_tutor, tutor)


async def test_explain_without_a_run_id_names_the_latest_run_once_it_expired(
    backend: Backend,
) -> None:
    """/explain with no run id takes the caller's latest run; once age stripped it, the answer
    is that run's expiry, not "you have no runs"."""
    storage = StorageConfig(path=backend.config.path, url=backend.config.url, keep_days=1e-6)
    limits = LimitsConfig(workers=1, queue=1, render_processes=0, cooldown_seconds=0)
    tutor = build_tutor(Config(limits=limits, storage=storage))
    alice = Caller(user_id=1, channel_id=10)
    try:
        run_id = (await tutor.run_solve(tutor.admit_solve(alice, x0=3.0))).run_id
        await asyncio.sleep(0.2)  # past keep_days (0.09 s)
        assert await asyncio.to_thread(tutor.store.prune) == 1
        with pytest.raises(RunExpired) as info:
            await tutor.explain(alice, 1)
        assert info.value.run_id == run_id and info.value.settings == Settings(x0=3.0)
        with pytest.raises(UserError) as other:
            await tutor.explain(Caller(user_id=1, channel_id=11), 1)
        assert other.value.key == "bot.no_runs"
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
    assert child.poll() is None  # one prune stripped or deleted runs; the next is under way
    child.send_signal(signal.SIGKILL)
    assert child.wait(60) == -signal.SIGKILL
    if backend.kind == "sqlite":
        with sqlite3.connect(backend.config.path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.close()
    store = open_with(backend, Budget())
    try:
        sizes = row_sizes(backend)
        assert 0 < len(sizes) <= 2000
        assert sorted(sizes) == list(range(2001 - len(sizes), 2001))  # oldest went first, whole
        assert store.total_bytes() == sum(sizes.values())
        expected = bits(run.to_dict())
        stripped_size = stored_bytes(run.settings.equation, b"")
        full = []
        for run_id, blob, size in backend.execute("SELECT id, run_packed, stored_bytes FROM runs"):
            if blob is None:  # stripped: its settings and nothing else
                assert size == stripped_size and store.settings(run_id) == run.settings
                continue
            full.append(run_id)
            assert bits(unpack(bytes(blob)).to_dict()) == expected, run_id
            assert size == stored_bytes(run.settings.equation, bytes(blob))
        assert 0 < len(full) < 2000 and sorted(full) == list(range(2001 - len(full), 2001))
        stored = store.get(max(sizes))
        assert stored is not None and bits(stored.run.to_dict()) == expected
    finally:
        store.close()
