"""Bounded background work: a fixed set of worker threads, a short queue, per-user cooldowns.

The event loop only waits: CPU work (torch, matplotlib) goes through the pool, which refuses
new work with `Busy` instead of letting the queue grow without limit. Admission is one
`Reservation`: `reserve` checks the queue and the user's cooldown and holds a slot until the
job runs in it, is released, or was never used within `hold_seconds`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from . import metrics
from .cooldown import Cooldown

__all__ = ["Busy", "Cooldown", "CoolingDown", "JobExited", "Reservation", "WorkPool"]

P = ParamSpec("P")
T = TypeVar("T")


class Busy(Exception):
    """Every worker is running and the queue is full; try again later."""


class CoolingDown(Exception):
    """The user ran something less than the cooldown ago; `seconds` is the wait left."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"wait {seconds:.1f} s")
        self.seconds = seconds


class JobExited(RuntimeError):
    """The job raised SystemExit or KeyboardInterrupt (its `__cause__`).

    Passed on unchanged, either would stop the event loop that awaits the job: the whole bot.
    """


class WorkPool:
    """At most `workers` jobs run at once and `queue` more wait; beyond that `run` raises Busy.

    Threads, not processes: torch releases the GIL inside its ops and each job builds its own
    matplotlib Figure. `initializer` runs once in each new worker thread.
    """

    def __init__(
        self,
        workers: int,
        queue: int,
        *,
        cooldown: Cooldown | None = None,
        hold_seconds: float = 10.0,
        initializer: Callable[[], object] | None = None,
    ) -> None:
        """Start an empty pool; threads are created as work arrives.

        `cooldown` paces each user's reservations; a reservation not used within
        `hold_seconds` gives its slot back (its interaction failed on the way).
        """
        if workers < 1 or queue < 0:
            raise ValueError("need workers >= 1 and queue >= 0")
        self.workers = workers
        self.queue = queue
        self.cooldown = cooldown if cooldown is not None else Cooldown(0)
        self.hold_seconds = hold_seconds
        self._initializer = initializer
        self._lock = threading.Lock()
        self._admitted = 0  # reserved + running + waiting
        self._running = 0
        self._held: dict[Reservation, float] = {}  # unused reservation -> when it lapses
        self._closed = False
        self._executor = self._new_executor()

    @property
    def running(self) -> int:
        """Jobs executing in a worker thread right now."""
        with self._lock:
            return self._running

    @property
    def pending(self) -> int:
        """Jobs admitted but not running: reserved, or waiting for a worker."""
        with self._lock:
            self._lapse(time.monotonic())
            return self._admitted - self._running

    @property
    def reserved(self) -> int:
        """Reservations holding a slot for a job not yet handed to the pool."""
        with self._lock:
            self._lapse(time.monotonic())
            return len(self._held)

    @property
    def full(self) -> bool:
        """True when `reserve` and `run` would raise Busy now."""
        with self._lock:
            self._lapse(time.monotonic())
            return self._admitted >= self.workers + self.queue

    def reserve(self, user_id: int | None = None) -> Reservation:
        """Hold a slot for one job of `user_id` (None: no cooldown applies).

        Raises Busy when `workers + queue` slots are taken, then CoolingDown when the user
        must still wait; a refused reservation spends no cooldown and holds nothing.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the work pool is shut down")
            now = time.monotonic()
            self._lapse(now)
            if self._admitted >= self.workers + self.queue:
                raise Busy(f"{self._running} running, {self._admitted - self._running} waiting")
            if user_id is not None:
                wait = self.cooldown.check(user_id)
                if wait > 0:
                    raise CoolingDown(wait)
            self._admitted += 1
            reservation = Reservation(self)
            self._held[reservation] = now + self.hold_seconds
            return reservation

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn(*args, **kwargs)` in a worker and return its result.

        Raises Busy at once when `workers + queue` jobs are already in the pool. An exception
        from `fn` reaches the caller unchanged (SystemExit and KeyboardInterrupt as JobExited).
        If the awaiting task is cancelled, a job that has not started is dropped; a started one
        finishes and holds its slot until then.
        """
        return await self.reserve().run(fn, *args, **kwargs)

    def _claim(self, reservation: Reservation) -> None:
        # A held reservation's slot becomes its job's; a lapsed or released one needs a new slot.
        with self._lock:
            if self._held.pop(reservation, None) is not None:
                return
            if self._closed:
                raise RuntimeError("the work pool is shut down")
            if self._admitted >= self.workers + self.queue:
                raise Busy(f"{self._running} running, {self._admitted - self._running} waiting")
            self._admitted += 1

    def _release(self, reservation: Reservation) -> None:
        with self._lock:
            if self._held.pop(reservation, None) is not None:
                self._admitted -= 1

    def _lapse(self, now: float) -> None:
        # Called with the lock held. Holds are made in time order, so lapsed ones come first.
        while self._held:
            reservation, until = next(iter(self._held.items()))
            if until > now:
                break
            del self._held[reservation]
            self._admitted -= 1

    async def _run_in_slot(self, job: Callable[[], T]) -> T:
        try:
            future = self._submit(job)
        except BaseException:
            with self._lock:
                self._admitted -= 1
            raise
        return await asyncio.wrap_future(future)

    def shutdown(self, *, wait: bool = True) -> None:
        """Refuse new work, drop jobs that have not started, and (by default) wait for the rest."""
        with self._lock:
            self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=True)

    def _submit(self, job: Callable[[], T]) -> Future[T]:
        started = False
        submitted = time.monotonic()

        def tracked() -> T:
            nonlocal started
            with self._lock:
                started = True
                self._running += 1
            metrics.queue_wait.observe(time.monotonic() - submitted)
            try:
                with metrics.job_time.time():
                    return job()
            except (SystemExit, KeyboardInterrupt) as exit_:
                raise JobExited(f"a job raised {exit_!r}") from exit_
            finally:
                with self._lock:
                    self._running -= 1
                    self._admitted -= 1

        def release_unstarted(_: Future[T]) -> None:
            # A job dropped before it ran (cancelled, or the executor broke) never reaches
            # `tracked`'s finally, so its slot is given back here.
            with self._lock:
                if not started:
                    self._admitted -= 1

        try:
            future = self._executor.submit(tracked)
        except (BrokenExecutor, RuntimeError):
            # Broken (an initializer failed) or shut down behind our back: start afresh once.
            with self._lock:
                if self._closed:
                    raise
                broken, self._executor = self._executor, self._new_executor()
            broken.shutdown(wait=False)
            future = self._executor.submit(tracked)
        future.add_done_callback(release_unstarted)
        return future

    def _new_executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(
            max_workers=self.workers, thread_name_prefix="gd-worker", initializer=self._initializer
        )


class Reservation:
    """One slot held in a WorkPool for one job: run it there once, or release it.

    Made by `WorkPool.reserve`. Unused, it gives its slot back after the pool's
    `hold_seconds`; `release` gives it back at once and does nothing once the job ran.
    """

    def __init__(self, pool: WorkPool) -> None:
        """Only `WorkPool.reserve` makes these."""
        self._pool = pool
        self._used = False

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn(*args, **kwargs)` in the held slot (as `WorkPool.run` does otherwise).

        A reservation that lapsed asks the pool for a new slot, so this may raise Busy.
        """
        if self._used:
            raise RuntimeError("a reservation runs one job")
        self._used = True
        self._pool._claim(self)
        return await self._pool._run_in_slot(lambda: fn(*args, **kwargs))

    def release(self) -> None:
        """Give the slot back if no job took it; safe to call more than once."""
        self._used = True
        self._pool._release(self)
