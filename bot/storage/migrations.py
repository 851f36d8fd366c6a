"""The schema, as numbered migrations: entry n brings a database from version n-1 to n.

Each entry is written once per backend, with the same number on both: SQLite counts the
applied entries in PRAGMA user_version, PostgreSQL in the table gd_tutor_schema.
Never edit an applied entry: append a new one.
"""

from __future__ import annotations

from typing import NamedTuple


class Migration(NamedTuple):
    """One schema step in each backend's dialect."""

    sqlite: str
    postgres: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        sqlite="""
    -- AUTOINCREMENT: ids are never reused, so an old id never points at someone else's run.
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL,
        guild_id INTEGER,
        channel_id INTEGER NOT NULL,
        locale TEXT NOT NULL,
        created_at REAL NOT NULL,
        equation TEXT NOT NULL,
        x0 REAL,
        lr REAL,
        steps INTEGER NOT NULL,
        optimizer TEXT NOT NULL,
        dtype TEXT NOT NULL,
        outcome TEXT NOT NULL,
        run_json TEXT NOT NULL
    );
    CREATE INDEX runs_by_user ON runs (user_id, id);
    CREATE INDEX runs_by_user_channel ON runs (user_id, channel_id, id);
    """,
        # PostgreSQL's REAL is 4 bytes: DOUBLE PRECISION is SQLite's REAL. An identity
        # column draws from a sequence, which never hands out an id twice.
        postgres="""
    CREATE TABLE runs (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id BIGINT NOT NULL,
        guild_id BIGINT,
        channel_id BIGINT NOT NULL,
        locale TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        equation TEXT NOT NULL,
        x0 DOUBLE PRECISION,
        lr DOUBLE PRECISION,
        steps INTEGER NOT NULL,
        optimizer TEXT NOT NULL,
        dtype TEXT NOT NULL,
        outcome TEXT NOT NULL,
        run_json TEXT NOT NULL
    );
    CREATE INDEX runs_by_user ON runs (user_id, id);
    CREATE INDEX runs_by_user_channel ON runs (user_id, channel_id, id);
    """,
    ),
)
