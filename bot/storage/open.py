"""Choose the store from the config: PostgreSQL when `storage.url` is set, else the SQLite file."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    # Each backend imports its driver only when chosen: SQLite needs no psycopg.
    if config.storage.url:
        from .postgres import PostgresRunStore

        return PostgresRunStore(
            config.storage.url,
            config.storage.keep_runs_per_user,
            max_connections=config.limits.workers + _LIGHT_THREADS,
        )
    from .sqlite import SqliteRunStore

    return SqliteRunStore(config.storage.path, config.storage.keep_runs_per_user)
