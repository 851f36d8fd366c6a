"""Why a run store cannot be used: refused at start-up, or unreachable for a while."""

from __future__ import annotations

from pathlib import Path

SWAP = "move it away or point storage.path at another file"


class StorageError(Exception):
    """The store cannot be used; the message is `<where>: <what> — <what to do>`.

    `where` is the SQLite file, or the PostgreSQL URL without its password.
    """

    def __init__(self, where: Path | str, what: str, todo: str = SWAP) -> None:
        super().__init__(f"{where}: {what} — {todo}")


class StorageUnavailable(Exception):
    """The database cannot be reached right now (server down, restarting, network): try later."""
