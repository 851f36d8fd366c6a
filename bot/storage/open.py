"""Choose the store from the config: PostgreSQL when `storage.url` is set, else the SQLite file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .budget import Budget
from .interface import RunStore
from .sqlite_file import check_storage_path

if TYPE_CHECKING:
    from ..config import Config

# Threads that call the store besides the workers: the Tutor's light executor.
_LIGHT_THREADS = 2


def check_storage(config: Config) -> None:
    """The start-up checks that need no database driver: the SQLite file when it is used."""
    if not config.storage.url:
        check_storage_path(config.storage.path)


def open_store(config: Config) -> RunStore:
    """The configured store, migrated and ready; StorageError when it cannot be used."""
    storage = config.storage
    budget = Budget(storage.max_bytes, storage.keep_bytes_per_user, storage.keep_days)
    # Each backend imports its driver only when chosen: SQLite needs no psycopg.
    if storage.url:
        from .postgres import PostgresRunStore

        return PostgresRunStore(
            storage.url,
            storage.keep_runs_per_user,
            budget=budget,
            # + 1: the pruner's thread
            max_connections=config.limits.workers + _LIGHT_THREADS + 1,
        )
    from .sqlite import SqliteRunStore

    return SqliteRunStore(storage.path, storage.keep_runs_per_user, budget=budget)
