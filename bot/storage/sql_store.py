"""The reads both SQL backends share, written once over one primitive: run a query, fetch rows."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from . import rows
from .interface import RunStore, RunSummary, StoredRun


class SqlRunStore(RunStore):
    """A RunStore whose reads are the shared queries of `rows`; a backend supplies `_fetch`."""

    @abstractmethod
    def _fetch(self, sql: str, args: tuple[int, ...]) -> list[tuple[Any, ...]]:
        """Every row of `sql` (written with `?` placeholders) run with `args`."""

    def get(self, run_id: int) -> StoredRun | None:
        """The run with this id, or None if it never existed or was pruned."""
        found = self._fetch(rows.GET, (run_id,))
        return rows.stored_run(found[0]) if found else None

    def latest(self, user_id: int, channel_id: int) -> StoredRun | None:
        """The user's most recent run in this channel, or None."""
        found = self._fetch(rows.LATEST, (user_id, channel_id))
        return rows.stored_run(found[0]) if found else None

    def recent(self, user_id: int, limit: int = 25) -> list[RunSummary]:
        """The user's newest runs first, without iterations (cheap enough for autocomplete)."""
        return [rows.summary(row) for row in self._fetch(rows.RECENT, (user_id, limit))]

    def count(self) -> int:
        """How many runs are stored, all users together."""
        return int(self._fetch(rows.COUNT, ())[0][0])
