"""The schema, as numbered migrations: entry n brings a database from version n-1 to n.

Each entry is written once per backend, with the same number on both: SQLite counts the
applied entries in PRAGMA user_version, PostgreSQL in the table gd_tutor_schema.
Never edit an applied entry: append a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from .json_rows import pack_json_rows

# Runs a query with `?` placeholders on either backend and returns its rows.
Execute = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


class Migration(NamedTuple):
    """One schema step in each backend's dialect, then `convert`, in the same transaction.

    `convert`, when given, rewrites rows in Python, what SQL alone cannot do.
    """

    sqlite: str
    postgres: str
    convert: Callable[[Execute], None] | None = None


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

# Compact runs (issue #16): each run packed (bot.storage.packed) with its stored size, summed
# by the byte budget, and an index for expiry by age. The JSON rows are packed in the same
# transaction; the next step drops their column once every row has its packed twin.
_PACKED_RUNS = """
    ALTER TABLE runs ADD COLUMN run_packed {blob};
    ALTER TABLE runs ADD COLUMN stored_bytes {int} NOT NULL DEFAULT 0;
    CREATE INDEX runs_by_age ON runs (created_at);
    """
PACKED_RUNS = Migration(
    sqlite=_PACKED_RUNS.format(blob="BLOB", int="INTEGER"),
    postgres=_PACKED_RUNS.format(blob="BYTEA", int="BIGINT"),
    convert=pack_json_rows,
)
DROP_JSON_RUNS = Migration(
    sqlite="ALTER TABLE runs DROP COLUMN run_json;",
    postgres="ALTER TABLE runs DROP COLUMN run_json;",
)

# The quiz (issue 14): one row per question answered, keyed by the question, so a second
# answer (or a redelivered one) is never counted twice; and a score row per user and server
# (guild_id 0 outside servers), updated in the same transaction.
_QUIZ_V1 = """
    CREATE TABLE quiz_attempts (
        id {id},
        question_id {int} NOT NULL,
        user_id {int} NOT NULL,
        guild_id {int} NOT NULL,
        level INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        created_at {real} NOT NULL,
        UNIQUE (question_id, user_id)
    );
    CREATE TABLE quiz_scores (
        user_id {int} NOT NULL,
        guild_id {int} NOT NULL,
        display_name TEXT NOT NULL,
        score INTEGER NOT NULL,
        right_answers INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        streak INTEGER NOT NULL,
        best_streak INTEGER NOT NULL,
        updated_at {real} NOT NULL,
        PRIMARY KEY (user_id, guild_id)
    );
    CREATE INDEX quiz_scores_board ON quiz_scores (guild_id, score);
    """
QUIZ_MIGRATION = Migration(
    sqlite=_QUIZ_V1.format_map(_SQLITE), postgres=_QUIZ_V1.format_map(_POSTGRES)
)

# The Discord interaction a queued job answered: at-least-once delivery may run a job twice,
# and the unique index keeps its run stored once (NULLs, the local path's runs, never clash).
_INTERACTION = """
    ALTER TABLE runs ADD COLUMN interaction_id {int};
    CREATE UNIQUE INDEX runs_by_interaction ON runs (interaction_id);
    """
INTERACTION_MIGRATION = Migration(
    sqlite=_INTERACTION.format_map(_SQLITE), postgres=_INTERACTION.format_map(_POSTGRES)
)

# One interaction may store several runs (a /compare's rates, a /race's methods): each is
# keyed by the interaction and its part, so a job delivered twice stores none of them twice.
_INTERACTION_PART = """
    DROP INDEX runs_by_interaction;
    ALTER TABLE runs ADD COLUMN interaction_part INTEGER NOT NULL DEFAULT 0;
    CREATE UNIQUE INDEX runs_by_interaction_part ON runs (interaction_id, interaction_part);
    """
INTERACTION_PART_MIGRATION = Migration(sqlite=_INTERACTION_PART, postgres=_INTERACTION_PART)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(sqlite=_RUNS_V1.format_map(_SQLITE), postgres=_RUNS_V1.format_map(_POSTGRES)),
    PACKED_RUNS,
    DROP_JSON_RUNS,
    QUIZ_MIGRATION,
    INTERACTION_MIGRATION,
    INTERACTION_PART_MIGRATION,
)
