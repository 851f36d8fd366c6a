"""`[storage] url`: which URLs select PostgreSQL, and how one is shown without its password."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SCHEMES = ("postgresql", "postgres")


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a PostgreSQL URL for libpq, or None when it looks usable."""
    return server_url_problem(
        url,
        SCHEMES,
        scheme="must start with postgresql:// (or be empty for the SQLite file of storage.path)",
        spaces="must not contain spaces (percent-encode them as %20)",
    )


def server_url_problem(
    url: str, schemes: tuple[str, ...], *, scheme: str, spaces: str
) -> str | None:
    """Why `url` is no URL of one of `schemes` (`scheme` and `spaces` say what to fix), or
    None when it looks usable."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a port that is not 0-65535
    except ValueError as e:
        return f"is not a valid URL ({e})"
    if parts.scheme not in schemes:
        return scheme
    if any(c.isspace() for c in url):
        return spaces
    return None


def redacted(url: str) -> str:
    """`url` with any password replaced by ***, fit for logs and error messages."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.partition(':')[0]}:***@{host}"
        query = [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query, True)]
        return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="*")))
    except ValueError:
        return "(a storage.url that cannot be parsed)"
