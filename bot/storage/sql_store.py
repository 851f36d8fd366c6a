"""The reads and pruning both SQL backends share, written once over two primitives: fetch rows,
and delete rows in a transaction of their own."""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Callable
from typing import Any

from . import budget, rows
from .budget import Budget
from .interface import RunStore, RunSummary, StoredRun


class SqlRunStore(RunStore):
    """A RunStore whose reads are the shared queries of `rows`; a backend supplies `_fetch`,
    `_delete` and `_HIGHEST_ID`, and calls `_limit` when it is made."""

    _HIGHEST_ID: str  # the largest id ever handed out, in the backend's dialect

    def _limit(self, keep_runs_per_user: int, limits: Budget, clock: Callable[[], float]) -> None:
        if keep_runs_per_user < 1:
            raise ValueError("keep_runs_per_user must be >= 1")
        self._keep = keep_runs_per_user
        self._budget = limits
        self._clock = clock
        self.saved = threading.Event()

    @abstractmethod
    def _fetch(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Every row of `sql` (written with `?` placeholders) run with `args`."""

    @abstractmethod
    def _delete(self, sql: str, args: tuple[Any, ...]) -> int:
        """Run the DELETE `sql` in a transaction of its own; how many rows it deleted."""

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

    def expired(self, run_id: int) -> bool:
        """Whether `run_id` was handed out and its run is gone (pruned or expired)."""
        highest = self._fetch(self._HIGHEST_ID, ())
        handed_out = bool(highest) and highest[0][0] is not None and run_id <= highest[0][0]
        return handed_out and not self._fetch(rows.EXISTS, (run_id,))

    def total_bytes(self) -> int:
        """What the stored runs cost the byte budget, all users together."""
        return int(self._fetch(budget.TOTAL, ())[0][0])

    def prune(self) -> int:
        """Delete expired runs, then the oldest past each user's and the store's byte budget."""
        deleted = 0
        if (before := budget.cutoff(self._budget, self._clock())) is not None:
            deleted += self._delete_batches(budget.EXPIRED, (before,))
        total = self.total_bytes()
        per_user = self._budget.keep_bytes_per_user
        if total > per_user:  # else no user can be past it
            deleted += self._delete_batches(budget.OVER_USER_BUDGET, (per_user, per_user))
            total = self.total_bytes()
        if total > self._budget.max_bytes:
            deleted += self._delete_batches(budget.OVER_BUDGET, (self._budget.max_bytes,))
        return deleted

    def _delete_batches(self, sql: str, args: tuple[Any, ...]) -> int:
        deleted = 0
        while (batch := self._delete(sql, (*args, budget.BATCH))) > 0:
            deleted += batch
            if batch < budget.BATCH:
                break
        return deleted
