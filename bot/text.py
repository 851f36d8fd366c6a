"""Small text helpers: markdown escaping, compact numbers, length limits."""

from __future__ import annotations

import re

from solver import typed_number

_MARKDOWN = re.compile(r"([\\*_~`|>#\[\]<@-])")


def escape_markdown(text: str) -> str:
    """Escape what Discord would read as markdown, links or mentions."""
    return _MARKDOWN.sub(r"\\\1", text)


def number(value: float) -> str:
    """A setting as the user would type it: 0.01, 1, 1e-05 (ten digits at most)."""
    return typed_number(value, 10, short_exponent=False)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
