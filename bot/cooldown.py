"""Per-user pacing: how long a user must still wait before their next run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Cooldown:
    """Per-user rate limit: one use every `seconds`; 0 turns it off."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        """`clock` is monotonic seconds; tests pass a fake one."""
        if seconds < 0:
            raise ValueError("cooldown seconds must be >= 0")
        self.seconds = seconds
        self._clock = clock
        self._last: dict[int, float] = {}  # user -> time of last use, oldest first
        self._lock = threading.Lock()

    def check(self, user_id: int) -> float:
        """Seconds the user must still wait; 0.0 means allowed, and this use is recorded."""
        if self.seconds == 0:
            return 0.0
        with self._lock:
            now = self._clock()
            self._forget(now)
            last = self._last.get(user_id)
            if last is not None:
                return self.seconds - (now - last)
            self._last[user_id] = now
            return 0.0

    def __len__(self) -> int:
        """Users remembered; those whose cooldown is over are dropped at the next `check`."""
        return len(self._last)

    def _forget(self, now: float) -> None:
        # Insertion order is time order (expired users are removed before being re-added),
        # so expired entries are always at the front.
        while self._last:
            user, last = next(iter(self._last.items()))
            if now - last < self.seconds:
                break
            del self._last[user]
