"""The reads and pruning both SQL backends share, written once over two primitives: fetch rows,
and delete rows in a transaction of their own."""

from __future__ import annotations

import threading
import time
from abc import abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from . import budget, quiz_rows, rows
from .budget import Budget
from .interface import RunStore, RunSummary, StoredRun
from .quiz import QuizAttempt, QuizScore, Recorded

if TYPE_CHECKING:
    from solver import Settings

T = TypeVar("T")
Execute = Callable[[str, tuple[object, ...]], int]  # run one statement, return its row count


class SqlRunStore(RunStore):
    """A RunStore whose reads are the shared queries of `rows`; a backend supplies `_fetch`,
    `_change` and `_HIGHEST_ID`, and calls `_limit` when it is made."""

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
    def _transact(self, work: Callable[[Execute], T]) -> T:
        """`work(execute)` in one transaction, committed when it returns."""

    @abstractmethod
    def _change(self, sql: str, args: tuple[Any, ...]) -> int:
        """Run the UPDATE or DELETE `sql` in a transaction of its own; how many rows it changed."""

    def get(self, run_id: int) -> StoredRun | None:
        """The run with this id, or None if it never existed or was pruned."""
        found = self._fetch(rows.GET, (run_id,))
        return rows.stored_run(found[0]) if found else None

    def latest(self, user_id: int, channel_id: int) -> StoredRun | None:
        """The user's most recent run in this channel, or None."""
        found = self._fetch(rows.LATEST, (user_id, channel_id))
        return rows.stored_run(found[0]) if found else None

    def latest_id(self, user_id: int, channel_id: int) -> int | None:
        """The id of the user's most recent run in this channel, pruned or not, or None."""
        found = self._fetch(rows.LATEST_ID, (user_id, channel_id))
        return None if found[0][0] is None else int(found[0][0])

    def recent(self, user_id: int, limit: int = 25) -> list[RunSummary]:
        """The user's newest runs first, without iterations (cheap enough for autocomplete)."""
        return [rows.summary(row) for row in self._fetch(rows.RECENT, (user_id, limit))]

    def count(self) -> int:
        """How many runs are stored, all users together."""
        return int(self._fetch(rows.COUNT, ())[0][0])

    def record_quiz_answer(self, attempt: QuizAttempt) -> Recorded:
        """Count the first answer to a question in the user's score; a later one changes nothing."""
        now = time.time()

        def record(execute: Execute) -> bool:
            if execute(quiz_rows.RECORD, quiz_rows.record_args(attempt, now)) == 0:
                return False  # this question was answered before
            execute(quiz_rows.SCORE, quiz_rows.score_args(attempt, now))
            return True

        counted = self._transact(record)
        score = self.quiz_score(attempt.user_id, attempt.guild_id)
        # None only when the question was first answered elsewhere (ids are per question).
        empty = QuizScore(attempt.user_id, attempt.display_name, 0, 0, 0, 0, 0)
        return Recorded(counted, score or empty)

    def quiz_score(self, user_id: int, guild_id: int | None) -> QuizScore | None:
        """The user's quiz score in this server (None: a DM or the console), or None if none."""
        found = self._fetch(quiz_rows.GET, (user_id, quiz_rows.guild_key(guild_id)))
        return quiz_rows.score(found[0]) if found else None

    def quiz_board(self, guild_id: int | None, limit: int = 10) -> list[QuizScore]:
        """The server's best quiz scores, highest first."""
        found = self._fetch(quiz_rows.BOARD, (quiz_rows.guild_key(guild_id), limit))
        return [quiz_rows.score(row) for row in found]

    def settings(self, run_id: int) -> Settings | None:
        """What run `run_id` was asked to do, kept after its iterations were pruned; None if
        the row is gone or never existed."""
        found = self._fetch(rows.SETTINGS, (run_id,))
        return rows.settings(found[0]) if found else None

    def expired(self, run_id: int) -> bool:
        """Whether `run_id` was handed out and its iterations are gone (pruned or expired)."""
        highest = self._fetch(self._HIGHEST_ID, ())
        handed_out = bool(highest) and highest[0][0] is not None and run_id <= highest[0][0]
        return handed_out and not self._fetch(rows.EXISTS, (run_id,))

    def total_bytes(self) -> int:
        """What the stored runs cost the byte budget, all users together."""
        return int(self._fetch(budget.TOTAL, ())[0][0])

    def prune(self) -> int:
        """Strip the iterations of expired runs, then of the oldest runs past each user's and
        the store's byte budget; drop stripped runs still past a budget. How many rows changed."""
        changed = 0
        if (before := budget.cutoff(self._budget, self._clock())) is not None:
            changed += self._batches(budget.strip(budget.EXPIRED), (before,))
        per_user = self._budget.keep_bytes_per_user
        if self.total_bytes() > per_user:  # else no user can be past it
            for step in (budget.strip, budget.drop):
                changed += self._batches(step(budget.OVER_USER_BUDGET), (per_user, per_user))
        for step in (budget.strip, budget.drop):
            if self.total_bytes() > self._budget.max_bytes:
                changed += self._batches(step(budget.OVER_BUDGET), (self._budget.max_bytes,))
        return changed

    def _batches(self, sql: str, args: tuple[Any, ...]) -> int:
        changed = 0
        while (batch := self._change(sql, (*args, budget.BATCH))) > 0:
            changed += batch
            if batch < budget.BATCH:
                break
        return changed
