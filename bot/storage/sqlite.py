"""Runs in a SQLite file (WAL), the default store: one connection behind a lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from solver import Run

from . import rows
from .budget import DEFAULT_BUDGET, Budget
from .errors import StorageError
from .migrations import MIGRATIONS, Migration
from .sql_store import Execute, SqlRunStore, T
from .sqlite_file import check_storage_path

_WRITABLE = "check that this user can write it and its folder, or set storage.path elsewhere"


class SqliteRunStore(SqlRunStore):
    """A SQLite file of runs, safe to share between threads (one connection behind a lock)."""

    _HIGHEST_ID = "SELECT seq FROM sqlite_sequence WHERE name = 'runs'"

    def __init__(
        self,
        path: Path,
        keep_runs_per_user: int,
        *,
        budget: Budget = DEFAULT_BUDGET,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Open (creating file and folders) and migrate the database at `path`.

        Raises StorageError, leaving an existing file untouched, when it cannot be used.
        """
        self._limit(keep_runs_per_user, budget, clock)
        check_storage_path(path)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        except sqlite3.Error as e:
            raise StorageError(path, f"cannot be opened ({e})", _WRITABLE) from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            # FULL, not NORMAL: in WAL mode NORMAL already survives a killed process, but a
            # power loss may drop the last commits; FULL fsyncs every commit, so a run the bot
            # answered is on disk. One fsync per run is cheap next to computing the run.
            self._db.execute("PRAGMA synchronous=FULL")
            _migrate(self._db)
        except sqlite3.Error as e:
            self._db.close()
            raise StorageError(path, f"cannot be set up ({e})", _WRITABLE) from None
        except BaseException:
            self._db.close()
            raise

    def save(
        self,
        run: Run,
        *,
        user_id: int,
        guild_id: int | None,
        channel_id: int,
        locale: str,
        interaction_id: int | None = None,
        part: int = 0,
    ) -> int:
        """Store `run`, return its id; keep only the user's newest `keep_runs_per_user` runs.

        With `interaction_id`, a run already stored for that interaction and `part` (which of
        its runs: a /compare's rate, a /race's method) is not stored again: its id is returned.
        """
        row = rows.insert_row(
            run, user_id, guild_id, channel_id, locale, self._clock(), interaction_id, part
        )
        with self._lock, self._db:
            if interaction_id is None:
                run_id = self._db.execute(rows.INSERT, row).lastrowid
            else:
                inserted = self._db.execute(rows.INSERT_ONCE, row).fetchone()
                if inserted is None:
                    (existing,) = self._db.execute(
                        rows.BY_INTERACTION, (interaction_id, part)
                    ).fetchone()
                    return int(existing)
                run_id = inserted[0]
            self._db.execute(rows.PRUNE, (user_id, user_id, self._keep))
        self.saved.set()
        assert run_id is not None
        return int(run_id)

    def close(self) -> None:
        """Close the database; the store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def _transact(self, work: Callable[[Execute], T]) -> T:
        with self._lock, self._db:
            return work(lambda sql, args: self._db.execute(sql, args).rowcount)

    def _fetch(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            found: list[tuple[Any, ...]] = self._db.execute(sql, args).fetchall()
        return found

    def _change(self, sql: str, args: tuple[Any, ...]) -> int:
        with self._lock, self._db:
            return self._db.execute(sql, args).rowcount


def _migrate(db: sqlite3.Connection) -> None:
    """Bring the schema up to the newest version, one transaction per step."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):  # checked read-only before; another process may have run
        raise RuntimeError(f"database schema v{version} is newer than this code knows")
    converted = False
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        # user_version lives in the database header, so it commits with the step.
        try:
            if step.convert is None:
                db.executescript(
                    f"BEGIN IMMEDIATE; {step.sqlite}; PRAGMA user_version = {number}; COMMIT;"
                )
            else:
                _convert(db, step, number)
                converted = True
        except BaseException:
            if db.in_transaction:
                db.rollback()
            raise
    if converted:
        db.execute("VACUUM")  # hand the space the rewritten rows freed back to the disk


def _convert(db: sqlite3.Connection, step: Migration, number: int) -> None:
    """A step with a Python part, in one transaction (executescript would commit midway)."""
    assert step.convert is not None
    db.execute("BEGIN IMMEDIATE")
    # A converting step's SQL holds no ';' but the statements' own.
    for statement in filter(str.strip, step.sqlite.split(";")):
        db.execute(statement)
    step.convert(lambda sql, args: db.execute(sql, args).fetchall())
    db.execute(f"PRAGMA user_version = {number}")
    db.commit()
