"""Runs in PostgreSQL, for several gateway processes sharing one store: psycopg 3 and its pool.

psycopg's blocking API fits the callers, which already reach the store from worker threads;
each call borrows a pooled connection, checked on the way out so that one broken by a server
restart is replaced, not handed to a user.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from solver import Run

from . import rows
from .budget import DEFAULT_BUDGET, Budget
from .errors import StorageError, StorageUnavailable
from .migrations import MIGRATIONS
from .sql_store import Execute, SqlRunStore, T
from .url import redacted

# Migrations run under this advisory lock, so gateways starting together apply each step once.
# Two int keys: a key space apart from the bigint user ids that `save` locks.
_MIGRATION_LOCK = (0x67647475, 1)  # "gdtu"
_UNREACHABLE = "start PostgreSQL, or check storage.url (host, port, user, database)"
_NOT_OURS = "point storage.url at a database of gd-tutor's own"


class PostgresRunStore(SqlRunStore):
    """A PostgreSQL database of runs behind a connection pool, safe to share between threads."""

    _HIGHEST_ID = "SELECT pg_sequence_last_value(pg_get_serial_sequence('runs', 'id')::regclass)"

    def __init__(
        self,
        url: str,
        keep_runs_per_user: int,
        *,
        budget: Budget = DEFAULT_BUDGET,
        max_connections: int = 4,
        timeout: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Connect to `url`, migrate its schema and open a pool of up to `max_connections`.

        `timeout` bounds the wait for a connection, so a server that is down is reported
        (StorageUnavailable) well within Discord's three seconds. Raises StorageError when
        the database cannot be reached or used at start-up.
        """
        self._limit(keep_runs_per_user, budget, clock)
        self._where = redacted(url)
        connect: dict[str, Any] = {"connect_timeout": max(2, round(timeout))}
        _migrate(url, self._where, connect)
        # reconnect_timeout=0: no background retries with a growing backoff; a connection
        # is made when one is asked for, so the store works again as soon as the server does.
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            timeout=timeout,
            reconnect_timeout=0,
            check=ConnectionPool.check_connection,
            kwargs=connect | {"application_name": "gd-tutor"},
            name="gd-tutor",
            open=False,
        )
        try:
            self._pool.open(wait=True, timeout=timeout)
        except psycopg.OperationalError as e:
            self._pool.close()
            what = f"cannot be reached ({_first_line(e)})"
            raise StorageError(self._where, what, _UNREACHABLE) from None

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
        with self._connection() as conn:
            # One user's saves take turns, in every process: each prune then sees the runs
            # the others committed, and the user keeps exactly keep_runs_per_user, as with
            # SQLite's single writer. (Two deliveries of one job are one user's saves too.)
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (user_id,))
            if interaction_id is None:
                inserted = conn.execute(rows.pg(rows.INSERT) + " RETURNING id", row).fetchone()
            else:
                inserted = conn.execute(rows.pg(rows.INSERT_ONCE), row).fetchone()
                if inserted is None:
                    found = conn.execute(rows.pg(rows.BY_INTERACTION), (interaction_id, part))
                    existing = found.fetchone()
                    assert existing is not None
                    return int(existing[0])
            conn.execute(rows.pg(rows.PRUNE), (user_id, user_id, self._keep))
        self.saved.set()
        assert inserted is not None
        return int(inserted[0])

    def close(self) -> None:
        """Close the pool's connections; the store cannot be used afterwards."""
        self._pool.close()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
        """A pooled connection in a transaction, committed on leaving; down → StorageUnavailable."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except psycopg.OperationalError as e:  # includes the pool's timeout
            raise StorageUnavailable(f"{self._where}: {_first_line(e)}") from None

    def _transact(self, work: Callable[[Execute], T]) -> T:
        with self._connection() as conn:
            return work(lambda sql, args: conn.execute(rows.pg(sql), args).rowcount)

    def _fetch(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._connection() as conn:
            return conn.execute(rows.pg(sql), args).fetchall()

    def _change(self, sql: str, args: tuple[Any, ...]) -> int:
        with self._connection() as conn:
            return conn.execute(rows.pg(sql), args).rowcount


def _migrate(url: str, where: str, connect: dict[str, Any]) -> None:
    """Bring the schema up to the newest version, one transaction per step."""
    try:
        with psycopg.connect(url, autocommit=True, **connect) as conn:
            conn.execute("SELECT pg_advisory_lock(%s, %s)", _MIGRATION_LOCK)  # until closed
            conn.execute("CREATE TABLE IF NOT EXISTS gd_tutor_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT max(version) FROM gd_tutor_schema").fetchone()
            version = 0 if row is None or row[0] is None else int(row[0])
            if version > len(MIGRATIONS):
                raise StorageError(
                    where,
                    f"has schema v{version}, newer than this gd-tutor knows (v{len(MIGRATIONS)})",
                    "run the newer gd-tutor that wrote it, or " + _NOT_OURS,
                )
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                with conn.transaction():
                    conn.execute(step.postgres)  # several statements: no parameters
                    if step.convert is not None:
                        step.convert(lambda sql, args: _rows(conn.execute(rows.pg(sql), args)))
                    conn.execute("DELETE FROM gd_tutor_schema")
                    conn.execute("INSERT INTO gd_tutor_schema VALUES (%s)", (number,))
    except psycopg.OperationalError as e:
        raise StorageError(where, f"cannot be reached ({_first_line(e)})", _UNREACHABLE) from None
    except psycopg.Error as e:
        raise StorageError(where, f"cannot be set up ({_first_line(e)})", _NOT_OURS) from None


def _rows(cursor: psycopg.Cursor[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return cursor.fetchall() if cursor.description else []


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
