"""The queries both backends run, and the conversions between rows and runs.

The SQL is written once with `?` placeholders; PostgreSQL's driver wants `%s` (see `pg`).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from solver import Outcome, Run, Settings, SettingsError

from .interface import RunSummary, StoredRun
from .packed import pack, unpack

# What a row costs besides its packed run and equation: the other columns, the row's header,
# its index entries and page slack. Measured with 3,000 rows: SQLite 170-310 bytes, so its file
# stays within 3 % of the counted bytes; PostgreSQL 450 bytes for 2 KB runs, and more for
# larger ones, whose TOAST chunks fill pages less (up to 1.4x the counted bytes at 6 KB).
# Budgets count it, so a flood of tiny runs is bounded too.
ROW_BYTES = 256

INSERT = (
    "INSERT INTO runs (user_id, guild_id, channel_id, locale, created_at, equation,"
    " x0, lr, steps, optimizer, dtype, outcome, run_packed, stored_bytes, interaction_id,"
    " interaction_part) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# A job delivered twice inserts nothing the second time (both dialects read this the same).
INSERT_ONCE = INSERT + " ON CONFLICT (interaction_id, interaction_part) DO NOTHING RETURNING id"
BY_INTERACTION = "SELECT id FROM runs WHERE interaction_id = ? AND interaction_part = ?"
PRUNE = (
    "DELETE FROM runs WHERE user_id = ? AND id NOT IN"
    " (SELECT id FROM runs WHERE user_id = ? ORDER BY id DESC LIMIT ?)"
)
# A run the pruner stripped (budget.STRIP) keeps its row and settings, not its iterations:
# GET, LATEST, RECENT and EXISTS see only full runs, SETTINGS and LATEST_ID both.
_STORED = "SELECT id, user_id, guild_id, channel_id, locale, created_at, run_packed FROM runs"
GET = f"{_STORED} WHERE id = ? AND run_packed IS NOT NULL"
LATEST = (
    f"{_STORED} WHERE user_id = ? AND channel_id = ? AND run_packed IS NOT NULL"
    " ORDER BY id DESC LIMIT 1"
)
RECENT = (
    "SELECT id, equation, lr, x0, outcome, created_at FROM runs"
    " WHERE user_id = ? AND run_packed IS NOT NULL ORDER BY id DESC LIMIT ?"
)
LATEST_ID = "SELECT max(id) FROM runs WHERE user_id = ? AND channel_id = ?"
COUNT = "SELECT count(*) FROM runs"
EXISTS = "SELECT 1 FROM runs WHERE id = ? AND run_packed IS NOT NULL"
SETTINGS = "SELECT equation, x0, lr, steps, optimizer, dtype FROM runs WHERE id = ?"


def pg(sql: str) -> str:
    """The query with psycopg's placeholders (none of these queries holds a literal ?)."""
    return sql.replace("?", "%s")


def insert_row(
    run: Run,
    user_id: int,
    guild_id: int | None,
    channel_id: int,
    locale: str,
    created_at: float,
    interaction_id: int | None = None,
    part: int = 0,
) -> tuple[object, ...]:
    """The INSERT's values for `run`."""
    s = run.settings
    blob = pack(run)
    who = (user_id, guild_id, channel_id, locale, created_at)
    what = (s.equation, s.x0, s.lr, s.steps, s.optimizer, s.precision, run.outcome.value)
    return (*who, *what, blob, stored_bytes(s.equation, blob), interaction_id, part)


def stored_bytes(equation: str, blob: bytes) -> int:
    """What a run's row costs the byte budget: its packed run, its equation and ROW_BYTES."""
    return len(blob) + len(equation.encode()) + ROW_BYTES


def stored_run(row: tuple[Any, ...]) -> StoredRun:
    """A StoredRun from a row of GET or LATEST."""
    run_id, user_id, guild_id, channel_id, locale, created, blob = row
    run = unpack(blob)
    return StoredRun(run_id, user_id, guild_id, channel_id, locale, _utc(created), run)


def settings(row: tuple[Any, ...]) -> Settings | None:
    """The Settings of a row of SETTINGS, or None when they are no longer valid ones."""
    equation, x0, lr, steps, optimizer, precision = row
    try:
        return Settings(equation, _real(x0), _real(lr), steps, optimizer, precision)
    except SettingsError:
        return None


def summary(row: tuple[Any, ...]) -> RunSummary:
    """A RunSummary from a row of RECENT."""
    run_id, equation, lr, x0, outcome, created = row
    return RunSummary(run_id, equation, _real(lr), _real(x0), Outcome(outcome), _utc(created))


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _real(value: float | None) -> float:
    return math.nan if value is None else value  # SQLite stores a NaN REAL as NULL
