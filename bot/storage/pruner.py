"""The background pruner: keeps the store within its budget, off the event loop and off replies.

One thread per process waits for a save (the store sets `saved` once a run is committed) or for
`interval` seconds, then prunes. A save never waits for it: the reply that carries a run's id is
sent while the pruner works, and a second save during a prune just prunes once more after it.
"""

from __future__ import annotations

import logging
import threading

from .errors import StorageUnavailable
from .interface import RunStore

log = logging.getLogger(__name__)

# Expiry by age needs a clock, not a save: check at least this often.
PRUNE_EVERY_SECONDS = 60.0


class Pruner:
    """A daemon thread that calls `store.prune()` after saves and every `interval` seconds."""

    def __init__(self, store: RunStore, interval: float = PRUNE_EVERY_SECONDS) -> None:
        """Prune `store`; `start()` starts the thread, `stop()` ends it."""
        self._store = store
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="gd-prune", daemon=True)

    def start(self) -> None:
        """Start pruning: once now (a restart may find the store past a smaller budget), then on."""
        self._thread.start()

    def stop(self) -> None:
        """Finish the current prune and end the thread."""
        self._stopping.set()
        self._store.saved.set()  # wake the wait
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._store.saved.clear()  # saves from here on call for another prune
            try:
                deleted = self._store.prune()
            except StorageUnavailable:
                log.warning("pruning skipped: the run store is unreachable")
            except Exception:
                log.exception("pruning the run store failed")
            else:
                if deleted:
                    log.info("pruned %d runs past the storage budget or age", deleted)
            self._store.saved.wait(self._interval)
