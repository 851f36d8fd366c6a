"""The run store every backend implements: save a run, look it up, list a user's history.

Each user keeps only their newest `keep_runs_per_user` runs; ids grow and are never reused,
so an old id never points at someone else's run. Methods block: call them from threads.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # solver imports torch; `python -m bot` checks storage before it loads
    from solver import Outcome, Run


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
    """

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
    ) -> int:
        """Store `run`, return its id; keep only the user's newest `keep_runs_per_user` runs.

        With `interaction_id`, a run already stored for that interaction (a queued job
        delivered twice) is not stored again: its id is returned.
        """

    @abstractmethod
    def get(self, run_id: int) -> StoredRun | None:
        """The run with this id, or None if it never existed or was pruned."""

    @abstractmethod
    def latest(self, user_id: int, channel_id: int) -> StoredRun | None:
        """The user's most recent run in this channel, or None."""

    @abstractmethod
    def recent(self, user_id: int, limit: int = 25) -> list[RunSummary]:
        """The user's newest runs first, without iterations (cheap enough for autocomplete)."""

    @abstractmethod
    def count(self) -> int:
        """How many runs are stored, all users together."""

    @abstractmethod
    def close(self) -> None:
        """Release the database; the store cannot be used afterwards."""
