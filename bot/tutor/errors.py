"""A refusal the user caused, and whether an unexpected failure is worth trying again."""

from __future__ import annotations

import sqlite3
from concurrent.futures import BrokenExecutor

from solver.words import t

from ..reply import Button


class UserError(Exception):
    """A catalogue key (bot.busy, ...) and its parameters; the edge answers it ephemerally."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, lang: str) -> str:
        """The refusal in `lang`."""
        return t(lang, self.key, **self.params)

    def buttons(self, lang: str) -> list[list[Button]]:
        """Buttons under the refusal in `lang` (none unless a subclass offers some)."""
        return []


def is_transient(error: BaseException) -> bool:
    """Whether the same request may well succeed a moment later.

    Only a process that died under the work (a broken pool) and storage that is busy or
    locked by another writer pass; any other failure would fail again, so "please try again"
    would mislead the user.
    """
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, BrokenExecutor):
            return True
        if isinstance(cause, sqlite3.OperationalError) and any(
            word in str(cause).lower() for word in ("locked", "busy")
        ):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def failure_key(error: BaseException, *, computing: bool) -> str:
    """The catalogue key for an unexpected failure: "try again" only when that can help."""
    if computing:
        return "bot.worker_failed" if is_transient(error) else "bot.run_failed"
    return "bot.internal_error_transient" if is_transient(error) else "bot.internal_error"
