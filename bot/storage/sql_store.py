"""The reads both SQL backends share, written once over one primitive: run a query, fetch rows."""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Callable
from typing import Any, TypeVar

from . import quiz_rows, rows
from .interface import RunStore, RunSummary, StoredRun
from .quiz import QuizAttempt, QuizScore, Recorded

T = TypeVar("T")
Execute = Callable[[str, tuple[object, ...]], int]  # run one statement, return its row count


class SqlRunStore(RunStore):
    """A RunStore whose reads are the shared queries of `rows`; a backend supplies `_fetch`."""

    @abstractmethod
    def _fetch(self, sql: str, args: tuple[int, ...]) -> list[tuple[Any, ...]]:
        """Every row of `sql` (written with `?` placeholders) run with `args`."""

    @abstractmethod
    def _transact(self, work: Callable[[Execute], T]) -> T:
        """`work(execute)` in one transaction, committed when it returns."""

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
