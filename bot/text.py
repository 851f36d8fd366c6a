"""Small text helpers: user text marked for each medium, compact numbers, length limits.

The Tutor's replies carry plain text with light Discord formatting (bold, code) of its own,
and every piece of user text inside them marked by `user_text`. Each edge then shows the
user's text literally in its medium: `for_discord` escapes it (markdown, links, mentions),
`for_terminal` prints it as typed.
"""

from __future__ import annotations

import re

from solver import typed_number

_MARKDOWN = re.compile(r"([\\*_~`|>#\[\]<@-])")
# Private-use characters around user text; a user's own are dropped when marking, so the
# marks always pair up.
USER_START, USER_END = "\ue000", "\ue001"
_USER_SPAN = re.compile(f"{USER_START}([^{USER_END}]*)(?:{USER_END}|$)")
_FENCE = re.compile(r"^[ \t]*```[^\n]*(?:\n|$)", re.MULTILINE)
_MARK = re.compile(r"\*\*|`")  # the Tutor's own bold and code marks


def escape_markdown(text: str) -> str:
    """Escape what Discord would read as markdown, links or mentions."""
    return _MARKDOWN.sub(r"\\\1", text)


def user_text(text: str) -> str:
    """`text`, typed by a user, marked so that every edge shows it literally."""
    return USER_START + text.replace(USER_START, "").replace(USER_END, "") + USER_END


def for_discord(text: str) -> str:
    """Text for a Discord message: the user's parts escaped, the Tutor's formatting kept."""
    return _USER_SPAN.sub(lambda m: escape_markdown(m.group(1)), text)


def for_terminal(text: str) -> str:
    """Text for a terminal: the Tutor's code fences, bold and code marks dropped, and the
    user's parts exactly as typed."""
    parts = []
    for i, piece in enumerate(re.split(f"({USER_START}[^{USER_END}]*{USER_END}?)", text)):
        if i % 2:
            parts.append(piece.strip(USER_START + USER_END))
        else:
            parts.append(_MARK.sub("", _FENCE.sub("", piece)))
    return "".join(parts)


def number(value: float) -> str:
    """A setting as the user would type it: 0.01, 1, 1e-05 (ten digits at most)."""
    return typed_number(value, 10, short_exponent=False)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
