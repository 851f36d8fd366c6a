"""A refusal the user caused: answered to that user, in their language, and nothing breaks."""

from __future__ import annotations

from solver.words import t


class UserError(Exception):
    """A catalogue key (bot.busy, ...) and its parameters; the edge answers it ephemerally."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, lang: str) -> str:
        """The refusal in `lang`."""
        return t(lang, self.key, **self.params)
