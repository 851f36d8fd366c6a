"""The heartbeat file: the bot refreshes it while connected; `--healthcheck` reads its age."""

from __future__ import annotations

import os
import time
from pathlib import Path


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
