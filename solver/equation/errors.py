"""EquationError: why a text is not an equation, by a code the catalogue words."""

from __future__ import annotations

from typing import Any

from ..words import t


class EquationError(ValueError):
    """Why a text is not an equation this bot can solve.

    `code` names its message, the catalogue's `equation.<code>`; `column` is 1-based or
    None, and `params` (column included) fill the message in any language.
    """

    def __init__(self, code: str, column: int | None = None, **params: Any):
        self.code, self.column = code, column
        self.params: dict[str, Any] = {"column": column, **params}
        super().__init__(t("en", f"equation.{code}", **self.params))
