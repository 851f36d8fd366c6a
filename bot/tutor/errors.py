"""A refusal the user caused: answered to that user, in their language, and nothing breaks."""

from __future__ import annotations


class UserError(Exception):
    """A message key of bot.i18n and its parameters; the edge answers it ephemerally."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
