"""What every tutor feature shares: the config, the run store, the work pool and the renderer.

The features (solve, compare, explain, buttons, export) are functions over this context; the
Tutor facade is one. Refusals become UserErrors here, so every feature answers them alike.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from solver import Run

from ..config import Config
from ..render_pool import Renderer
from ..storage import RunStore, StorageUnavailable
from ..work_pool import Busy, CoolingDown, Reservation, WorkPool
from .caller import Caller
from .errors import UserError, failure_key
from .shared_runs import SharedRuns

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


class TutorContext:
    """The config, the store, the bounded pool for torch and matplotlib, and a light executor."""

    def __init__(
        self, config: Config, store: RunStore, pool: WorkPool, renderer: Renderer | None = None
    ) -> None:
        """Use `store` for runs, `pool` for every torch call and `renderer` for the figures."""
        self.config = config
        self.renderer = renderer if renderer is not None else Renderer(0)
        self.store = store
        self.pool = pool
        self.shared = SharedRuns()  # identical /solve requests computed once (event loop only)
        # Storage reads and explanations are light; they get their own small pool so that
        # /explain answers even while the compute pool is full.
        self._light = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gd-light")
        self._tasks: set[asyncio.Task[Any]] = set()  # the loop keeps only weak references

    def close(self) -> None:
        """Stop the light executor (the caller owns the store and the pool)."""
        self._light.shutdown(wait=True, cancel_futures=True)

    def reserve(self, caller: Caller) -> Reservation:
        """A slot in the pool for the caller's next run; UserError when busy or cooling down."""
        try:
            return self.pool.reserve(caller.user_id)
        except Busy:
            raise UserError("bot.busy") from None
        except CoolingDown as wait:
            raise UserError("bot.cooldown", seconds=wait.seconds) from None

    def background(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run `work` on the event loop, referenced until it ends (answers carry its results)."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def pace(self, caller: Caller) -> None:
        """Spend the caller's cooldown without a slot (they join a run computed anyway)."""
        wait = self.pool.cooldown.check(caller.user_id)
        if wait > 0:
            raise UserError("bot.cooldown", seconds=wait)

    def reserve_unpaced(self) -> Reservation:
        """A slot for work someone already paid the cooldown for; UserError when busy."""
        try:
            return self.pool.reserve(None)
        except Busy:
            raise UserError("bot.busy") from None

    async def compute(
        self, reservation: Reservation, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`fn(*args, **kwargs)` in the reserved slot; a failure becomes UserError, logged."""
        try:
            with _answered("a worker failed"):
                return await reservation.run(fn, *args, **kwargs)
        finally:
            reservation.release()

    async def light(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` in the light executor: storage reads, explanations, CSV."""
        call = functools.partial(fn, *args, **kwargs)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._light, call)
        except StorageUnavailable:
            log.warning("the run store is unreachable", exc_info=True)
            raise UserError("bot.storage_down") from None

    async def save_off_loop(self, caller: Caller, run: Run) -> int:
        """Save the caller's run off the event loop; a failed save is answered like a failed run
        (nothing was stored), with "try again" only when the cause is transient."""
        with _answered("saving a run failed"):
            return await self.light(self.save, caller, run)

    def save(self, caller: Caller, run: Run, part: int = 0) -> int:
        """Store the caller's run and return its id (called in a worker, before any reply);
        `part` numbers the runs of one interaction (a /compare's rates, a /race's methods)."""
        return self.store.save(
            run,
            user_id=caller.user_id,
            guild_id=caller.guild_id,
            channel_id=caller.channel_id,
            locale=caller.locale,
            interaction_id=caller.interaction_id,
            part=part,
        )


@contextmanager
def _answered(what_failed: str) -> Iterator[None]:
    """A run's work as the user hears of its failure: a refusal raised inside passes, a full
    pool is "busy", an unreachable store says so, and anything else is logged and answered
    with "try again" only when that can help (nothing of the run was stored)."""
    try:
        yield
    except UserError:  # a refusal raised in the worker (an equation with no value)
        raise
    except Busy:
        raise UserError("bot.busy") from None
    except StorageUnavailable:
        log.warning("the run store is unreachable", exc_info=True)
        raise UserError("bot.storage_down") from None
    except Exception as error:
        log.exception(what_failed)
        raise UserError(failure_key(error, computing=True)) from None
