"""Where answered runs are kept: one RunStore interface, SQLite by default, PostgreSQL by URL.

Light to import (no torch, no driver), so `python -m bot` checks storage before the solver
loads. The backends are `bot.storage.sqlite.SqliteRunStore` and
`bot.storage.postgres.PostgresRunStore`; `open_store(config)` picks one. Runs are stored
packed (`packed.py`) within a byte budget (`budget.py`) that a `Pruner` thread enforces.
"""

from .budget import Budget
from .errors import StorageError, StorageUnavailable
from .interface import RunStore, RunSummary, StoredRun
from .migrations import MIGRATIONS, Migration
from .open import check_storage, open_store
from .pruner import Pruner
from .quiz import QuizAttempt, QuizScore, Recorded

__all__ = [
    "MIGRATIONS",
    "Budget",
    "Migration",
    "Pruner",
    "QuizAttempt",
    "QuizScore",
    "Recorded",
    "RunStore",
    "RunSummary",
    "StorageError",
    "StorageUnavailable",
    "StoredRun",
    "check_storage",
    "open_store",
]
