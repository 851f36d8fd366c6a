"""Compact runs (issue #16): packed columns read back bit for bit, within the size goals, and a
database of schema v1 (JSON rows) migrates in place on both backends, reads exactly and shrinks."""

import json
import math
import sqlite3
import struct
from pathlib import Path
from typing import Any

import psycopg
import pytest
from store_backends import AWKWARD, Backend, bits, make_run, save

from bot.config import StorageConfig
from bot.storage import MIGRATIONS
from bot.storage.packed import PREDICTED, WHOLE_JSON, pack, unpack
from bot.storage.rows import pg, stored_bytes
from bot.tutor.export import iterations_csv
from solver import OPTIMIZERS, PRECISIONS, Iteration, Run, Settings, explain, solve

NAN_WITH_PAYLOAD = struct.unpack("<d", struct.pack("<Q", 0x7FF8_0000_DEAD_BEEF))[0]
NEGATIVE_NAN = struct.unpack("<d", struct.pack("<Q", 0xFFF8_0000_0000_0000))[0]


def raw_bits(value: Any) -> Any:
    """Like store_backends.bits, but a NaN keeps its sign and payload, and types are kept."""
    if isinstance(value, float):
        return ("float", struct.pack("<d", value))
    if isinstance(value, dict):
        return {k: raw_bits(v) for k, v in value.items()}
    if isinstance(value, list):
        return [raw_bits(v) for v in value]
    return (type(value).__name__, value)


def same_run(a: Run, b: Run) -> bool:
    return raw_bits(a.to_dict()) == raw_bits(b.to_dict())


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    path = tmp_path / "runs.sqlite3"
    if request.param == "sqlite":
        return Backend("sqlite", StorageConfig(path=path))
    return Backend(
        "postgres", StorageConfig(path=path, url=request.getfixturevalue("postgres_url"))
    )


def real_runs(steps: int) -> list[Run]:
    """One run per optimizer and precision, plus runs that end in nan, inf and overflow."""
    runs = [
        solve(Settings(optimizer=o, precision=p, steps=steps))
        for o in OPTIMIZERS
        for p in PRECISIONS
    ]
    runs += [
        solve(Settings(equation="x**2 - 2", lr=100.0, steps=steps, optimizer=o)) for o in OPTIMIZERS
    ]
    runs.append(solve(Settings(equation="sqrt(x) - 2", x0=1.0, lr=3.0, steps=steps)))
    return runs


def test_every_optimizer_and_precision_packs_bit_for_bit() -> None:
    for run in real_runs(300):
        blob = pack(run)
        assert blob.startswith(PREDICTED), run.settings
        back = unpack(blob)
        assert same_run(back, run), run.settings
        assert iterations_csv(back) == iterations_csv(run)
        assert back.lines() == run.lines()


def test_awkward_floats_and_nan_payloads_keep_their_bits() -> None:
    run = make_run()
    odd = [NAN_WITH_PAYLOAD, NEGATIVE_NAN, -0.0, 5e-324, math.inf, -math.inf]
    run.iterations += [
        Iteration(len(run.iterations) + i, v, -v, v, v, {"exp_avg": v, "step": 20.0 + i})
        for i, v in enumerate(odd)
    ]
    back = unpack(pack(run))
    assert same_run(back, run)
    got = [struct.pack("<d", it.x) for it in back.iterations[-len(odd) :]]
    assert got == [struct.pack("<d", v) for v in odd]


def test_irregular_runs_keep_their_shape() -> None:
    run = solve(Settings(optimizer="adam", steps=20))
    run.iterations = [
        it._replace(k=10 * it.k, state={} if it.k % 3 == 0 else it.state) for it in run.iterations
    ]
    back = unpack(pack(run))
    assert same_run(back, run)
    assert [dict(it.state) for it in back.iterations] == [dict(it.state) for it in run.iterations]


def test_a_value_no_column_holds_falls_back_to_json_exactly() -> None:
    run = solve(Settings(steps=5))
    run.iterations[2] = run.iterations[2]._replace(x=3)  # an int, as hand-written JSON may hold
    blob = pack(run)
    assert blob.startswith(WHOLE_JSON)
    back = unpack(blob)
    assert same_run(back, run) and type(back.iterations[2].x) is int


def test_sizes_meet_the_goals() -> None:
    for optimizer in OPTIMIZERS:
        for precision in PRECISIONS:
            long = solve(Settings(optimizer=optimizer, precision=precision, steps=10_000))
            assert len(pack(long)) <= 150_000, (optimizer, precision)
        short = solve(Settings(optimizer=optimizer, steps=100))  # float32, the default
        assert len(pack(short)) <= 2_000, optimizer
        json_size = len(json.dumps(short.to_dict(), separators=(",", ":")))
        assert len(pack(short)) * 5 < json_size, optimizer
        # float64's low mantissa bytes are noise, but x, the loss and the state are predicted.
        wide = solve(Settings(optimizer=optimizer, precision="float64", steps=100))
        assert len(pack(wide)) <= 2_000, optimizer


def test_stored_runs_answer_explain_and_csv_as_before(backend: Backend) -> None:
    store = backend.open()
    try:
        for run in real_runs(60):
            stored = store.get(save(store, run))
            assert stored is not None and same_run(stored.run, run), run.settings
            assert iterations_csv(stored.run) == iterations_csv(run)
            for k in (0, len(run.iterations) // 2, len(run.iterations) - 1):
                for lang in ("en", "ja"):
                    assert repr(explain(stored.run, k, lang)) == repr(explain(run, k, lang))
    finally:
        store.close()


# ---- schema v1 (JSON rows) migrates in place ----------------------------------------------

V1_INSERT = (
    "INSERT INTO runs (user_id, guild_id, channel_id, locale, created_at, equation,"
    " x0, lr, steps, optimizer, dtype, outcome, run_json)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def v1_row(run: Run, user: int, *, old_dtype_key: bool = False) -> tuple[object, ...]:
    """A row as the code of schema v1 wrote it (json.dumps of to_dict)."""
    data = run.to_dict()
    if old_dtype_key:  # rows written before the precision rename
        data["settings"]["dtype"] = data["settings"].pop("precision")
    s = run.settings
    text = json.dumps(data, separators=(",", ":"))
    return (user, 5, 10, "en-US", 1.7e9 + user, s.equation, s.x0, s.lr, s.steps, s.optimizer,
            s.precision, run.outcome.value, text)  # fmt: skip


def make_v1_database(backend: Backend, runs: list[Run]) -> None:
    if backend.kind == "sqlite":
        db = sqlite3.connect(backend.config.path)
        db.executescript(MIGRATIONS[0].sqlite + "; PRAGMA user_version = 1;")
        with db:
            for i, run in enumerate(runs):
                db.execute(V1_INSERT, v1_row(run, i % 7, old_dtype_key=i == 0))
        db.execute("VACUUM")
        db.close()
        return
    with psycopg.connect(backend.config.url, autocommit=True) as conn:
        conn.execute("CREATE TABLE gd_tutor_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO gd_tutor_schema VALUES (1)")
        conn.execute(MIGRATIONS[0].postgres)
        for i, run in enumerate(runs):
            conn.execute(pg(V1_INSERT), v1_row(run, i % 7, old_dtype_key=i == 0))
        conn.execute("VACUUM FULL runs")


def database_bytes(backend: Backend) -> int:
    if backend.kind == "sqlite":
        return backend.config.path.stat().st_size
    with psycopg.connect(backend.config.url, autocommit=True) as conn:
        conn.execute("VACUUM FULL runs")  # a plain VACUUM only marks the JSON's space reusable
        row = conn.execute("SELECT pg_total_relation_size('runs')").fetchone()
    assert row is not None
    return int(row[0])


def test_a_v1_database_of_json_rows_migrates_reads_exactly_and_shrinks(backend: Backend) -> None:
    runs = [*real_runs(1000), make_run()]
    make_v1_database(backend, runs)
    before = database_bytes(backend)
    store = backend.open()
    try:
        for run_id, run in enumerate(runs, start=1):
            stored = store.get(run_id)
            assert stored is not None and stored.user_id == (run_id - 1) % 7
            # bits(): a JSON row never held a NaN's payload, only "NaN"
            assert bits(stored.run.to_dict()) == bits(run.to_dict()), run_id
            assert iterations_csv(stored.run) == iterations_csv(run)
        columns = backend.execute("SELECT equation, run_packed, stored_bytes FROM runs")
        assert all(size == stored_bytes(eq, bytes(blob)) for eq, blob, size in columns)
        assert store.total_bytes() == sum(size for _, _, size in columns)
        assert save(store, runs[1]) == len(runs) + 1  # ids go on where v1 stopped
    finally:
        store.close()
    after = database_bytes(backend)
    # PostgreSQL already compressed the JSON (TOAST), and its indexes and maps weigh the same
    assert after * (5 if backend.kind == "sqlite" else 2) < before, (before, after)


def test_awkward_json_rows_migrate_exactly(backend: Backend) -> None:
    run = make_run()
    run.iterations.append(Iteration(11, -0.0, AWKWARD[0], math.nan, math.inf, {}))
    make_v1_database(backend, [run])
    store = backend.open()
    try:
        stored = store.get(1)
        assert stored is not None and bits(stored.run.to_dict()) == bits(run.to_dict())
    finally:
        store.close()
