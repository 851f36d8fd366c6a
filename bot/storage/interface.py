"""The run store every backend implements: save a run, look it up, list a user's history.

Each user keeps only their newest `keep_runs_per_user` runs, and `prune` (in the background)
keeps the store within its byte budget and age, first by stripping old runs of their
iterations (their settings stay, so their buttons can re-run them); ids grow and are never
reused, so an old id never points at someone else's run, and a missing one below the newest
has expired.
Methods block: call them from threads.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .quiz import QuizAttempt, QuizScore, Recorded

if TYPE_CHECKING:  # solver imports torch; `python -m bot` checks storage before it loads
    from solver import Outcome, Run, Settings


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


class RunStore(ABC):
    """Past runs, safe to share between threads. SQLite by default, PostgreSQL when configured.

    A backend raises StorageUnavailable when its database cannot be reached for now.
    `saved` is set after each save: the pruner waits on it.
    """

    saved: threading.Event

    @abstractmethod
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
        its runs: a /compare's rate, a /race's method; a queued job may be delivered twice) is
        not stored again: its id is returned.
        """

    @abstractmethod
    def get(self, run_id: int) -> StoredRun | None:
        """The run with this id, or None if it never existed or was pruned."""

    @abstractmethod
    def latest(self, user_id: int, channel_id: int) -> StoredRun | None:
        """The user's most recent run in this channel, or None."""

    @abstractmethod
    def latest_id(self, user_id: int, channel_id: int) -> int | None:
        """The id of the user's most recent run in this channel, pruned or not, or None."""

    @abstractmethod
    def recent(self, user_id: int, limit: int = 25) -> list[RunSummary]:
        """The user's newest runs first, without iterations (cheap enough for autocomplete)."""

    @abstractmethod
    def count(self) -> int:
        """How many runs are stored, all users together."""

    @abstractmethod
    def record_quiz_answer(self, attempt: QuizAttempt) -> Recorded:
        """Count the first answer to a question in the user's score; a later one changes nothing."""

    @abstractmethod
    def quiz_score(self, user_id: int, guild_id: int | None) -> QuizScore | None:
        """The user's quiz score in this server (None: a DM or the console), or None if none."""

    @abstractmethod
    def quiz_board(self, guild_id: int | None, limit: int = 10) -> list[QuizScore]:
        """The server's best quiz scores, highest first."""

    @abstractmethod
    def settings(self, run_id: int) -> Settings | None:
        """What run `run_id` was asked to do, kept after its iterations were pruned; None if
        the row is gone or never existed."""

    @abstractmethod
    def expired(self, run_id: int) -> bool:
        """Whether `run_id` was handed out and its iterations are gone (pruned or expired)."""

    @abstractmethod
    def total_bytes(self) -> int:
        """What the stored runs cost the byte budget, all users together."""

    @abstractmethod
    def prune(self) -> int:
        """Strip expired runs and the oldest past each budget of their iterations, drop stripped
        runs still past a budget; return how many rows changed."""

    @abstractmethod
    def close(self) -> None:
        """Release the database; the store cannot be used afterwards."""
