"""Run stores on both backends for the storage tests: a real SQLite file and a real PostgreSQL
database per test (`backend`, `store`), runs whose floats a careless encoding would change
(`make_run`), and floats compared by their bits (`bits`). Registered in conftest.py."""

import math
import sqlite3
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.config import StorageConfig
from bot.storage import RunStore
from bot.storage.postgres import PostgresRunStore
from bot.storage.rows import pg
from bot.storage.sqlite import SqliteRunStore
from solver import Hint, Iteration, Outcome, Run, Settings

# Floats that a careless encoding (str(), %g, float32, REAL with rounding) would change.
AWKWARD = [
    0.1 + 0.2,
    1.0399999618530273,  # float32 1.04 widened to double
    -0.0,
    5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    math.pi,
    -1 / 3,
    math.inf,
    -math.inf,
    math.nan,
]


def make_run(equation: str = "x**2 - 2", x0: float = 1.0, lr: float = 0.01) -> Run:
    iterations = [
        Iteration(
            k=k,
            x=value,
            y=-value,
            loss=value * value if math.isfinite(value) else value,
            grad=AWKWARD[(k + 3) % len(AWKWARD)],
            state={"exp_avg": AWKWARD[(k + 1) % len(AWKWARD)], "step": float(k + 1)},
        )
        for k, value in enumerate(AWKWARD)
    ]
    return Run(
        settings=Settings(equation=equation, x0=x0, lr=lr, steps=11, optimizer="adam"),
        iterations=iterations,
        final_x=1.4142135381698608,
        outcome=Outcome.STILL_MOVING,
        root=math.sqrt(2),
        hint=Hint(key="lr_too_small", lr_bound=0.5000000000000001, lr_above_bound=False),
        seconds=0.012345678901234567,
    )


def bits(value: Any) -> Any:
    """Every float replaced by its IEEE bytes, so 0.0 != -0.0; any NaN is just NaN (no sign)."""
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float):
        return ("float", struct.pack("<d", value))
    if isinstance(value, dict):
        return {k: bits(v) for k, v in value.items()}
    if isinstance(value, list):
        return [bits(v) for v in value]
    return value


@dataclass
class Backend:
    """One backend's database for a test: open stores on it, or tamper with it in raw SQL."""

    kind: str
    config: StorageConfig

    def open(self, keep: int = 50, clock: Callable[[], float] | None = None) -> RunStore:
        """A new store on the test's database (several may be open at once)."""
        extra = {} if clock is None else {"clock": clock}
        if self.kind == "sqlite":
            return SqliteRunStore(self.config.path, keep, **extra)
        return PostgresRunStore(self.config.url, keep, **extra)

    def execute(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """`sql` (with ? placeholders) through a connection of the test's own, committed."""
        if self.kind == "sqlite":
            with sqlite3.connect(self.config.path) as db:
                rows = db.execute(sql, args).fetchall()
            db.close()
            return rows
        with psycopg.connect(self.config.url) as conn:
            cursor = conn.execute(pg(sql), args)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    path = tmp_path / "runs.sqlite3"
    if request.param == "sqlite":
        return Backend("sqlite", StorageConfig(path=path))
    url = request.getfixturevalue("postgres_url")
    return Backend("postgres", StorageConfig(path=path, url=url))


@pytest.fixture
def store(backend: Backend) -> Iterator[RunStore]:
    s = backend.open()
    yield s
    s.close()


def save(store: RunStore, run: Run, user: int = 1, channel: int = 10) -> int:
    return store.save(run, user_id=user, guild_id=99, channel_id=channel, locale="en-US")
