"""The `[queue] url` check, light to import (no redis): the config loader runs it."""

from __future__ import annotations

from ..storage.url import server_url_problem

SCHEMES = ("redis", "rediss", "unix")


def queue_url_problem(url: str) -> str | None:
    """Why `url` cannot be a Redis URL, or None when it looks usable."""
    return server_url_problem(
        url,
        SCHEMES,
        scheme="must start with redis:// (or be empty for the local pools)",
        spaces="must not contain spaces",
    )
