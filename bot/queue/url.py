"""The `[queue] url` check, light to import (no redis): the config loader runs it."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..storage.url import redacted

SCHEMES = ("redis", "rediss", "unix")


def queue_url_problem(url: str) -> str | None:
    """Why `url` cannot be a Redis URL, or None when it looks usable."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a port that is not 0-65535
    except ValueError as e:
        return f"is not a valid URL ({e})"
    if parts.scheme not in SCHEMES:
        return "must start with redis:// (or be empty for the local pools)"
    if any(c.isspace() for c in url):
        return "must not contain spaces"
    return None


def redacted_queue_url(url: str) -> str:
    """`url` with any password replaced by ***, fit for logs."""
    return redacted(url)
