"""One computation for identical requests: a class typing the same /solve gets one run and one
picture, computed once.

Runs are deterministic: the same canonical equation, x0, lr, steps, optimizer, precision and
language give the same run and the same picture. A request finding its key in flight joins
that computation; one finding it done takes the result from a bounded cache of recent ones.
The Run is shared read-only; each user stores a copy of their own (their settings, with the
equation as they typed it), so everyone still gets their own run id and buttons.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from solver import Outcome, Progress, Run, Settings
from solver.equation import CheckedEquation

from ..work_pool import Reservation
from .staged import futures

log = logging.getLogger(__name__)
CACHED_RUNS = 64
CACHED_ITERATIONS = 500_000  # about 60 MB of iterations at most, whatever the runs' lengths


@dataclass(frozen=True)
class RunKey:
    """What decides a run and its picture, exactly: floats by their bits, the equation by its
    parsed tree's exact text and the text as typed (2 and 2.0 parse alike but print apart)."""

    equation: str
    typed: str
    x0: str
    lr: str
    steps: int
    optimizer: str
    precision: str
    lang: str


def run_key(settings: Settings, equation: CheckedEquation, lang: str) -> RunKey:
    """The key of a /solve; float.hex keeps 0.0 and −0.0, and numbers that print alike, apart."""
    return RunKey(
        equation.canonical,
        equation.pretty,
        settings.x0.hex(),
        settings.lr.hex(),
        settings.steps,
        settings.optimizer,
        settings.precision,
        lang,
    )


Compute = Callable[["SharedRun", Reservation], Coroutine[Any, Any, None]]


class SharedRun:
    """One run being computed (or computed) for everyone who asked for it.

    Once started, `run` resolves with the Run when solved and `picture` with its PNG when
    drawn; both are shared, so waiters shield them. `progress` is what the solving worker
    writes, for every member to show.
    """

    def __init__(self, key: RunKey, settings: Settings, reservation: Reservation) -> None:
        """A computation not started yet, holding the slot reserved by its first request."""
        self.key = key
        self.settings = settings
        self.progress = Progress()
        self.members = 0  # admitted requests that have not finished waiting for the run
        self._reservation: Reservation | None = reservation
        self._futures: tuple[asyncio.Future[Run], asyncio.Future[bytes]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._on_start: list[Callable[[SharedRun], None]] = []

    @property
    def run(self) -> asyncio.Future[Run]:
        """The Run, once started."""
        assert self._futures is not None, "start it first"
        return self._futures[0]

    @property
    def picture(self) -> asyncio.Future[bytes]:
        """The PNG, once started."""
        assert self._futures is not None, "start it first"
        return self._futures[1]

    @property
    def started(self) -> bool:
        """True once the computation was handed to the pool."""
        return self._task is not None

    def start(self, compute: Compute, reserve: Callable[[], Reservation]) -> None:
        """Start `compute(self, reservation)` unless it has started (on the event loop).

        `reserve` gives a slot when the first request gave its own back before anyone ran.
        """
        if self._task is not None:
            return
        reservation = self._reservation if self._reservation is not None else reserve()
        self._reservation = None
        self._futures = futures()
        self._task = asyncio.ensure_future(compute(self, reservation))
        for hook in self._on_start:
            hook(self)

    def leave(self) -> bool:
        """A member is done or gave up; True when nobody is left and nothing started."""
        self.members -= 1
        if self._task is None and self.members <= 0:
            if self._reservation is not None:
                self._reservation.release()
                self._reservation = None
            return True
        return False


class SharedRuns:
    """Computations by key: those in flight, and a bounded cache of the latest finished ones.

    Used from the event loop only. In-flight entries are never evicted; finished ones are,
    oldest first, past `capacity` entries or `max_iterations` iterations in all. A run that
    timed out depends on the machine's load, not only on its settings: it is shared with those
    who asked while it ran, never cached for later.
    """

    def __init__(
        self, capacity: int = CACHED_RUNS, max_iterations: int = CACHED_ITERATIONS
    ) -> None:
        """An empty cache."""
        self.capacity = capacity
        self.max_iterations = max_iterations
        self._entries: OrderedDict[RunKey, SharedRun] = OrderedDict()
        self._iterations = 0  # of the finished entries

    def __len__(self) -> int:
        """Entries in flight or cached."""
        return len(self._entries)

    def find(self, key: RunKey) -> SharedRun | None:
        """The computation of `key` in flight or cached, if there is one."""
        return self._entries.get(key)

    def join(self, entry: SharedRun) -> SharedRun:
        """Count one more member of `entry`, registering it if it is new."""
        if self._entries.get(entry.key) is not entry:
            self._entries[entry.key] = entry
            entry._on_start.append(self._watch)
        self._entries.move_to_end(entry.key)
        entry.members += 1
        return entry

    def _watch(self, entry: SharedRun) -> None:
        entry.run.add_done_callback(lambda _: self._solved(entry))
        entry.picture.add_done_callback(lambda _: self._drawn(entry))

    def leave(self, entry: SharedRun) -> None:
        """A member is done or gave up; an entry nobody will start is dropped."""
        if entry.leave():
            self._forget(entry)

    def _solved(self, entry: SharedRun) -> None:
        if entry.run.cancelled() or entry.run.exception() is not None:
            self._forget(entry)
            return
        run = entry.run.result()
        if run.outcome is Outcome.TIMED_OUT:
            entry.picture.add_done_callback(lambda _: self._forget(entry))
            return
        if self._entries.get(entry.key) is entry:
            self._iterations += len(run.iterations)
            self._evict()

    def _drawn(self, entry: SharedRun) -> None:
        if entry.picture.cancelled() or entry.picture.exception() is not None:
            self._forget(entry)  # the next request draws it again

    def _forget(self, entry: SharedRun) -> None:
        if self._entries.get(entry.key) is not entry:
            return
        del self._entries[entry.key]
        if entry.started and _counted(entry):
            self._iterations -= len(entry.run.result().iterations)

    def _evict(self) -> None:
        # Least recently used first; computations in flight stay.
        for entry in list(self._entries.values()):
            finished = sum(1 for e in self._entries.values() if e.started and e.run.done())
            if finished <= self.capacity and self._iterations <= self.max_iterations:
                return
            if entry.started and entry.run.done():
                self._forget(entry)


def _counted(entry: SharedRun) -> bool:
    """True for a finished run that the cache keeps (its iterations count against the bound)."""
    run = entry.run
    if not run.done() or run.cancelled() or run.exception() is not None:
        return False
    return run.result().outcome is not Outcome.TIMED_OUT
