"""RunStore: exact round trips, pruning, lookups, restarts, threads. Each test runs against
both backends, a real SQLite file and a real PostgreSQL server; the file checks are SQLite's."""

import math
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from local_servers import free_port
from postgres_server import started_server
from store_backends import Backend, bits, make_run, save

from bot.config import Config, StorageConfig
from bot.storage import (
    MIGRATIONS,
    RunStore,
    RunSummary,
    StorageError,
    StorageUnavailable,
    open_store,
)
from bot.storage.postgres import PostgresRunStore
from bot.storage.sqlite import SqliteRunStore
from solver import Outcome, Settings


def test_round_trip_keeps_every_float_bit_for_bit(store: RunStore) -> None:
    run = make_run()
    run_id = save(store, run)
    stored = store.get(run_id)
    assert stored is not None
    assert bits(stored.run.to_dict()) == bits(run.to_dict())
    assert stored.run.settings == run.settings
    assert stored.run.outcome is Outcome.STILL_MOVING
    assert stored.run.hint == run.hint
    assert stored.run.lines() == run.lines()
    assert math.copysign(1.0, stored.run.iterations[2].x) == -1.0  # -0.0 stayed negative


def test_who_where_and_when_are_stored(backend: Backend) -> None:
    store = backend.open(5, clock=lambda: 1_700_000_000.25)
    try:
        run_id = store.save(
            make_run(), user_id=2**63 - 1, guild_id=None, channel_id=2**62, locale="fr"
        )
        stored = store.get(run_id)
    finally:
        store.close()
    assert stored is not None
    assert (stored.id, stored.user_id, stored.guild_id) == (run_id, 2**63 - 1, None)
    assert (stored.channel_id, stored.locale) == (2**62, "fr")
    assert stored.created_at == datetime(2023, 11, 14, 22, 13, 20, 250000, tzinfo=UTC)


def test_get_unknown_id_is_none(store: RunStore) -> None:
    assert store.get(12345) is None
    assert store.latest(1, 10) is None
    assert store.recent(1) == []
    assert store.count() == 0


def test_pruning_keeps_each_users_newest_runs(backend: Backend) -> None:
    store = backend.open(keep=3)
    try:
        a_ids = []
        b_ids = []
        for i in range(5):
            a_ids.append(save(store, make_run(equation=f"x**2 - {i}"), user=1))
            if i < 2:
                b_ids.append(save(store, make_run(), user=2))
        assert store.count() == 3 + 2
        assert [store.get(i) for i in a_ids[:2]] == [None, None]
        kept = [store.get(i) for i in a_ids[2:]]
        assert [s.run.settings.equation for s in kept if s] == ["x**2 - 2", "x**2 - 3", "x**2 - 4"]
        assert all(store.get(i) is not None for i in b_ids)
        assert [r.id for r in store.recent(1)] == a_ids[:1:-1]
    finally:
        store.close()


def test_ids_are_never_reused(backend: Backend) -> None:
    store = backend.open(keep=1)
    try:
        first = save(store, make_run())
        second = save(store, make_run())
        assert store.get(first) is None
        backend.execute("DELETE FROM runs")
        third = save(store, make_run())
        assert first < second < third
    finally:
        store.close()


def test_latest_is_per_user_and_channel(store: RunStore) -> None:
    a1 = save(store, make_run(equation="a1 old"), user=1, channel=10)
    a1_new = save(store, make_run(equation="a1 new"), user=1, channel=10)
    save(store, make_run(equation="a2"), user=1, channel=20)
    save(store, make_run(equation="b1"), user=2, channel=10)
    latest = store.latest(1, 10)
    assert latest is not None
    assert latest.id == a1_new != a1
    assert latest.run.settings.equation == "a1 new"
    other = store.latest(1, 20)
    assert other is not None and other.run.settings.equation == "a2"
    assert store.latest(2, 20) is None


def test_recent_lists_newest_first_with_the_settings(store: RunStore) -> None:
    ids = [
        save(store, make_run(equation=f"x - {i}", x0=i + 0.1, lr=0.1 * (i + 1))) for i in range(30)
    ]
    save(store, make_run(), user=2)
    summaries = store.recent(1)
    assert len(summaries) == 25
    assert [s.id for s in summaries] == ids[::-1][:25]
    top = summaries[0]
    assert top == RunSummary(
        id=ids[-1],
        equation="x - 29",
        lr=0.1 * 30,
        x0=29.1,
        outcome=Outcome.STILL_MOVING,
        created_at=top.created_at,
    )
    assert top.created_at.tzinfo is UTC
    assert [s.id for s in store.recent(1, limit=3)] == ids[:-4:-1]


def test_recent_reads_nan_settings_back_as_nan(store: RunStore) -> None:
    # Settings refuse NaN now; a row written by an older version may still hold one.
    run = make_run()
    unchecked = object.__new__(Settings)
    for name, value in {**asdict(run.settings), "x0": math.nan, "lr": math.inf}.items():
        object.__setattr__(unchecked, name, value)
    run.settings = unchecked
    save(store, run)
    (summary,) = store.recent(1)
    assert math.isnan(summary.x0)
    assert summary.lr == math.inf


def test_data_survives_close_and_reopen(backend: Backend, tmp_path: Path) -> None:
    backend.config = replace(backend.config, path=tmp_path / "deep" / "er" / "runs.sqlite3")
    store = backend.open()
    run_id = save(store, make_run())
    store.close()
    reopened = backend.open()
    try:
        stored = reopened.get(run_id)
        assert stored is not None
        assert bits(stored.run.to_dict()) == bits(make_run().to_dict())
        assert reopened.count() == 1
        assert save(reopened, make_run()) > run_id
    finally:
        reopened.close()


def test_saved_run_survives_sigkill(backend: Backend) -> None:
    path = backend.config.path
    child = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from bot.config import Config, StorageConfig\n"
        "from bot.storage import open_store\n"
        "from solver import Outcome, Run, Settings\n"
        "store = open_store(Config(storage=StorageConfig(Path(sys.argv[1]), url=sys.argv[2])))\n"
        "run = Run(Settings(), [], 1.4142135, Outcome.CONVERGED)\n"
        "store.save(run, user_id=7, guild_id=None, channel_id=8, locale='en-US')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-c", child, str(path), backend.config.url]
    done = subprocess.run(command, cwd=root, timeout=120)
    assert done.returncode == -signal.SIGKILL
    if backend.kind == "sqlite":
        assert Path(f"{path}-wal").exists()  # never checkpointed: recovery must replay the WAL
    else:
        assert not path.exists()  # the run went to PostgreSQL only
    store = backend.open()
    try:
        latest = store.latest(7, 8)
        assert latest is not None
        assert latest.run.final_x == 1.4142135
    finally:
        store.close()


def test_file_is_wal_with_current_schema_and_intact(tmp_path: Path) -> None:
    store = SqliteRunStore(tmp_path / "runs.sqlite3", 50)
    save(store, make_run())
    store.close()
    with sqlite3.connect(tmp_path / "runs.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_newer_schema_is_refused_and_left_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match=f"has schema v{len(MIGRATIONS) + 1}, newer than"):
        SqliteRunStore(path, 50)
    assert path.read_bytes() == before  # not switched to WAL: header bytes 18-19 still 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.sqlite3"]


def test_a_damaged_page_is_refused_in_one_line_and_left_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    store = SqliteRunStore(path, 50)
    for user in range(5):
        save(store, make_run(equation="x**2 - 2" * 200), user=user)
    store.close()
    data = bytearray(path.read_bytes())
    data[4096:8192] = random.Random(2).randbytes(4096)  # page 2, the runs table's root
    path.write_bytes(data)
    with pytest.raises(StorageError) as info:
        SqliteRunStore(path, 50)
    message = str(info.value)
    assert message.startswith(f"{path}: is damaged (Page 2: ")  # SQLite's words follow
    assert message.endswith(
        ") — restore it from a backup, or move it away to start with an empty one"
    )
    assert "\n" not in message
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.sqlite3"]


def test_a_store_opens_a_database_another_connection_holds_in_wal_mode(tmp_path: Path) -> None:
    """The read-only checks must not refuse a live database whose pages are still in the WAL."""
    path = tmp_path / "runs.sqlite3"
    first = SqliteRunStore(path, 50)
    try:
        run_id = save(first, make_run())
        assert Path(f"{path}-wal").stat().st_size > 0
        second = SqliteRunStore(path, 50)
        try:
            assert second.get(run_id) is not None
        finally:
            second.close()
    finally:
        first.close()


def test_concurrent_saves_from_threads_of_two_processes_stores(backend: Backend) -> None:
    """Two stores on one database, as two gateway processes share it, and 8 threads."""
    stores = [backend.open(keep=7), backend.open(keep=7)]
    ids: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(thread: int) -> None:
        try:
            barrier.wait()
            for i in range(15):
                store = stores[thread % 2]
                ids.append(save(store, make_run(equation=f"{thread}/{i}"), user=thread % 4))
                store.recent(thread % 4)
                store.latest(thread % 4, 10)
        except BaseException as e:  # reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store = stores[0]
    try:
        assert errors == []
        assert len(ids) == len(set(ids)) == 120
        assert store.count() == 4 * 7
        for user in range(4):
            assert [s.id for s in store.recent(user)] == sorted(
                (i for i in ids if (s := store.get(i)) and s.user_id == user), reverse=True
            )
    finally:
        for s in stores:
            s.close()
    if backend.kind == "sqlite":
        assert backend.execute("PRAGMA integrity_check") == [("ok",)]


def test_keep_must_be_positive(backend: Backend) -> None:
    with pytest.raises(ValueError, match="keep_runs_per_user"):
        backend.open(keep=0)


# PostgreSQL only: its schema bookkeeping, its start-up refusals, and a server going away.


def test_postgres_refuses_a_newer_schema_and_leaves_it(postgres_url: str) -> None:
    PostgresRunStore(postgres_url, 50).close()
    newer = len(MIGRATIONS) + 1
    with psycopg.connect(postgres_url) as conn:
        conn.execute("UPDATE gd_tutor_schema SET version = %s", (newer,))
    with pytest.raises(StorageError, match=f"has schema v{newer}, newer than this gd-tutor"):
        PostgresRunStore(postgres_url, 50)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT version FROM gd_tutor_schema").fetchall() == [(newer,)]


def test_postgres_gateways_starting_together_migrate_once(postgres_url: str) -> None:
    opened: list[RunStore] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        try:
            barrier.wait()
            opened.append(PostgresRunStore(postgres_url, 50))
        except BaseException as e:  # reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        ids = [save(s, make_run()) for s in opened]
        assert ids == sorted(ids) and len(set(ids)) == 4
    finally:
        for s in opened:
            s.close()
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT version FROM gd_tutor_schema").fetchall() == [
            (len(MIGRATIONS),)
        ]


def test_postgres_that_cannot_be_reached_is_one_line_without_the_password() -> None:
    port = free_port()  # nothing listens on it
    url = f"postgresql://tutor:s3cr%40t@127.0.0.1:{port}/runs?password=other-s3cret"
    with pytest.raises(StorageError) as info:
        PostgresRunStore(url, 50)
    message = str(info.value)
    assert message.startswith(f"postgresql://tutor:***@127.0.0.1:{port}/runs?password=***: ")
    assert "cannot be reached" in message and message.endswith("database)")
    assert "s3cr" not in message and "\n" not in message


def test_open_store_follows_the_url(tmp_path: Path, postgres_url: str) -> None:
    path = tmp_path / "runs.sqlite3"
    chosen = open_store(Config(storage=StorageConfig(path=path, url=postgres_url)))
    try:
        assert isinstance(chosen, PostgresRunStore) and not path.exists()
    finally:
        chosen.close()
    default = open_store(Config(storage=StorageConfig(path=path)))
    try:
        assert isinstance(default, SqliteRunStore) and path.exists()
    finally:
        default.close()


def test_postgres_down_is_unavailable_and_the_same_store_recovers() -> None:
    server = started_server()  # its own server: the others' tests keep theirs
    try:
        store = PostgresRunStore(server.new_database(), 50)
        try:
            first = save(store, make_run())
            server.stop()
            with pytest.raises(StorageUnavailable):
                save(store, make_run())
            with pytest.raises(StorageUnavailable):
                store.get(first)
            with pytest.raises(StorageUnavailable):
                store.recent(1)
            server.start()
            # The pool's connections died with the server: the next calls get new ones.
            second = save(store, make_run())
            assert second > first
            assert [s.id for s in store.recent(1)] == [second, first]
        finally:
            store.close()
    finally:
        server.remove()
