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


# One table written once: the dialects differ only in these words. PostgreSQL's REAL is 4 bytes,
# so DOUBLE PRECISION is SQLite's REAL; SQLite's AUTOINCREMENT and PostgreSQL's identity column
# both never hand out an id twice, so an old id never points at someone else's run.
_RUNS_V1 = """
    CREATE TABLE runs (
        id {id},
        user_id {int} NOT NULL,
        guild_id {int},
        channel_id {int} NOT NULL,
        locale TEXT NOT NULL,
        created_at {real} NOT NULL,
        equation TEXT NOT NULL,
        x0 {real},
        lr {real},
        steps INTEGER NOT NULL,
        optimizer TEXT NOT NULL,
        dtype TEXT NOT NULL,
        outcome TEXT NOT NULL,
        run_json TEXT NOT NULL
    );
    CREATE INDEX runs_by_user ON runs (user_id, id);
    CREATE INDEX runs_by_user_channel ON runs (user_id, channel_id, id);
    """
_SQLITE = {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "int": "INTEGER", "real": "REAL"}
_POSTGRES = {
    "id": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    "int": "BIGINT",
    "real": "DOUBLE PRECISION",
}

# The Discord interaction a queued job answered: at-least-once delivery may run a job twice,
# and the unique index keeps its run stored once (NULLs, the local path's runs, never clash).
_INTERACTION_V2 = """
    ALTER TABLE runs ADD COLUMN interaction_id {int};
    CREATE UNIQUE INDEX runs_by_interaction ON runs (interaction_id);
    """

MIGRATIONS: tuple[Migration, ...] = (
    Migration(sqlite=_RUNS_V1.format_map(_SQLITE), postgres=_RUNS_V1.format_map(_POSTGRES)),
    Migration(
        sqlite=_INTERACTION_V2.format_map(_SQLITE), postgres=_INTERACTION_V2.format_map(_POSTGRES)
    ),
)
