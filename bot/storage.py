"""Past runs in SQLite: save, look up, list; each user keeps only their latest runs."""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from solver import Outcome, Run

from .storage_file import MIGRATIONS, StorageError, check_storage_path

__all__ = ["MIGRATIONS", "RunStore", "RunSummary", "StorageError", "StoredRun"]

_WRITABLE = "check that this user can write it and its folder, or set storage.path elsewhere"
_STORED = "id, user_id, guild_id, channel_id, locale, created_at, run_json"


@dataclass(frozen=True)
class StoredRun:
    """A saved run with who asked for it, where, and when (UTC)."""

    id: int
    user_id: int
    guild_id: int | None
    channel_id: int
    locale: str
    created_at: datetime
    run: Run


@dataclass(frozen=True)
class RunSummary:
    """One line of a user's history, read without loading the iterations."""

    id: int
    equation: str
    lr: float
    x0: float
    outcome: Outcome
    created_at: datetime


class RunStore:
    """A SQLite file of runs, safe to share between threads (one connection behind a lock)."""

    def __init__(
        self, path: Path, keep_runs_per_user: int, *, clock: Callable[[], float] = time.time
    ) -> None:
        """Open (creating file and folders) and migrate the database at `path`.

        Raises StorageError, leaving an existing file untouched, when it cannot be used.
        """
        if keep_runs_per_user < 1:
            raise ValueError("keep_runs_per_user must be >= 1")
        check_storage_path(path)
        self._keep = keep_runs_per_user
        self._clock = clock
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
        self, run: Run, *, user_id: int, guild_id: int | None, channel_id: int, locale: str
    ) -> int:
        """Store `run`, return its id; keep only the user's newest `keep_runs_per_user` runs."""
        s = run.settings
        # Python's json writes the shortest repr of each float, so it reads back exactly;
        # NaN and Infinity (diverged runs) are written as bare words that json reads back too.
        blob = json.dumps(run.to_dict(), separators=(",", ":"))
        row: tuple[object, ...] = (user_id, guild_id, channel_id, locale, self._clock())
        row += (s.equation, s.x0, s.lr, s.steps, s.optimizer, s.precision, run.outcome.value, blob)
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO runs (user_id, guild_id, channel_id, locale, created_at, equation,"
                " x0, lr, steps, optimizer, dtype, outcome, run_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            self._db.execute(
                "DELETE FROM runs WHERE user_id = ? AND id NOT IN"
                " (SELECT id FROM runs WHERE user_id = ? ORDER BY id DESC LIMIT ?)",
                (user_id, user_id, self._keep),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def get(self, run_id: int) -> StoredRun | None:
        """The run with this id, or None if it never existed or was pruned."""
        return self._one(f"SELECT {_STORED} FROM runs WHERE id = ?", (run_id,))

    def latest(self, user_id: int, channel_id: int) -> StoredRun | None:
        """The user's most recent run in this channel, or None."""
        return self._one(
            f"SELECT {_STORED} FROM runs WHERE user_id = ? AND channel_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (user_id, channel_id),
        )

    def recent(self, user_id: int, limit: int = 25) -> list[RunSummary]:
        """The user's newest runs first, without iterations (cheap enough for autocomplete)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, equation, lr, x0, outcome, created_at FROM runs"
                " WHERE user_id = ? ORDER BY id DESC LIMIT ?",
                (user_id, limit),
            ).fetchall()
        return [
            RunSummary(run_id, eq, _real(lr), _real(x0), Outcome(outcome), _utc(created))
            for run_id, eq, lr, x0, outcome, created in rows
        ]

    def count(self) -> int:
        """How many runs are stored, all users together."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM runs").fetchone()[0])

    def close(self) -> None:
        """Close the database; the store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def _one(self, sql: str, args: tuple[int, ...]) -> StoredRun | None:
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        if row is None:
            return None
        run_id, user_id, guild_id, channel_id, locale, created, blob = row
        run = Run.from_dict(json.loads(blob))
        return StoredRun(run_id, user_id, guild_id, channel_id, locale, _utc(created), run)


def _migrate(db: sqlite3.Connection) -> None:
    """Bring the schema up to the newest version, one transaction per step."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):  # checked read-only before; another process may have run
        raise RuntimeError(f"database schema v{version} is newer than this code knows")
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        # user_version lives in the database header, so it commits with the step.
        try:
            db.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {number}; COMMIT;")
        except BaseException:
            if db.in_transaction:
                db.rollback()
            raise


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _real(value: float | None) -> float:
    return math.nan if value is None else value  # SQLite stores a NaN REAL as NULL
