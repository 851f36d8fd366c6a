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

MIGRATIONS: tuple[Migration, ...] = (
    Migration(sqlite=_RUNS_V1.format_map(_SQLITE), postgres=_RUNS_V1.format_map(_POSTGRES)),
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
MIGRATIONS = (*MIGRATIONS, QUIZ_MIGRATION)
