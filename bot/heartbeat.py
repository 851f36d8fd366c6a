"""The heartbeat file: the bot refreshes it while connected; `--healthcheck` reads its age."""

from __future__ import annotations

import os
import time
from pathlib import Path


class HeartbeatPathError(Exception):
    """The heartbeat file cannot be written; the message is `<file>: <what> — <what to do>`."""


def check_heartbeat_path(path: Path) -> None:
    """Create the heartbeat's folder and check it is writable, without beating (not connected yet).

    Raises HeartbeatPathError, so a bad path stops the bot at start-up instead of failing
    every beat while `--healthcheck` reports it unhealthy forever.
    """
    todo = "set health.heartbeat_path to a file in a folder the bot can write"
    try:
        if path.is_dir():
            raise HeartbeatPathError(f"{path}: is a folder, not a file — {todo}")
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise HeartbeatPathError(
            f"{path}: cannot create its folder ({e.strerror}) — {todo}"
        ) from None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise HeartbeatPathError(f"{path}: its folder {path.parent} is not writable — {todo}")


def beat(path: Path) -> None:
    """Write the current time to `path` atomically (write a temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{time.time():.3f}\n")
    os.replace(tmp, path)


def age(path: Path) -> float | None:
    """Seconds since the last beat, or None when there is no readable heartbeat."""
    try:
        written = float(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return time.time() - written


def healthcheck(path: Path, max_age_seconds: float) -> int:
    """Exit status for Docker's HEALTHCHECK: 0 when the heartbeat is fresh, else 1."""
    seconds = age(path)
    if seconds is None:
        print(f"unhealthy: no heartbeat at {path}")
        return 1
    if seconds > max_age_seconds:
        print(f"unhealthy: last heartbeat {seconds:.0f} s ago (limit {max_age_seconds:.0f} s)")
        return 1
    print(f"healthy: last heartbeat {seconds:.0f} s ago")
    return 0
