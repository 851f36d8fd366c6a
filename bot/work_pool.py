"""Bounded background work: a fixed set of worker threads, a short queue, per-user cooldowns.

The event loop only waits: CPU work (torch, matplotlib) goes through `WorkPool.run`, which
refuses new work with `Busy` instead of letting the queue grow without limit.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Busy(Exception):
    """Every worker is running and the queue is full; try again later."""


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
        self, workers: int, queue: int, *, initializer: Callable[[], object] | None = None
    ) -> None:
        """Start an empty pool; threads are created as work arrives."""
        if workers < 1 or queue < 0:
            raise ValueError("need workers >= 1 and queue >= 0")
        self.workers = workers
        self.queue = queue
        self._initializer = initializer
        self._lock = threading.Lock()
        self._admitted = 0  # running + waiting
        self._running = 0
        self._closed = False
        self._executor = self._new_executor()

    @property
    def running(self) -> int:
        """Jobs executing in a worker thread right now."""
        with self._lock:
            return self._running

    @property
    def pending(self) -> int:
        """Jobs accepted but still waiting for a worker."""
        with self._lock:
            return self._admitted - self._running

    @property
    def full(self) -> bool:
        """True when `run` would raise Busy now (a cheap check before deferring a reply)."""
        with self._lock:
            return self._admitted >= self.workers + self.queue

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn(*args, **kwargs)` in a worker and return its result.

        Raises Busy at once when `workers + queue` jobs are already in the pool. An exception
        from `fn` reaches the caller unchanged (SystemExit and KeyboardInterrupt as JobExited).
        If the awaiting task is cancelled, a job that has not started is dropped; a started one
        finishes and holds its slot until then.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the work pool is shut down")
            if self._admitted >= self.workers + self.queue:
                raise Busy(f"{self._running} running, {self._admitted - self._running} waiting")
            self._admitted += 1
        try:
            future = self._submit(lambda: fn(*args, **kwargs))
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

        def tracked() -> T:
            nonlocal started
            with self._lock:
                started = True
                self._running += 1
            try:
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
