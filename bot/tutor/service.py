"""The tutor's command logic, free of discord.py: plain options in, a Reply out.

Every check that can refuse a command runs first, on the event loop and quickly, so the
edge can answer a mistake at once; the work itself then runs in the bounded pool.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from solver import (
    Equation,
    EquationError,
    Explanation,
    IterationOutOfRange,
    Progress,
    Run,
    Settings,
    SettingsError,
    explain,
    parse_equation,
    solve,
    solve_batch,
)

from ..config import Config
from ..render_pool import Renderer
from ..reply import Reply
from ..storage import RunStore, RunSummary, StoredRun
from ..text import escape_markdown
from ..work_pool import Busy, Cooldown, WorkPool
from .caller import Caller
from .errors import UserError
from .layout import compare_reply, explain_reply, help_reply, solve_reply
from .messages import equation_error_text, settings_error_text
from .walk import csv_reply, step_buttons

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
MAX_COMPARE = 8
HOLD_SECONDS = 10.0  # a checked job reaches the pool within Discord's 3 s, or never


@dataclass(frozen=True)
class SolveJob:
    """A checked /solve, ready to run."""

    caller: Caller
    equation: Equation
    settings: Settings


@dataclass(frozen=True)
class CompareJob:
    """A checked /compare, ready to run."""

    caller: Caller
    equation: Equation
    settings: Settings
    lrs: tuple[float, ...]


def parse_lrs(text: str) -> tuple[float, ...]:
    """2 to 8 positive learning rates separated by spaces or commas; UserError otherwise."""
    words = text.replace(",", " ").split()
    if not 2 <= len(words) <= MAX_COMPARE:
        raise UserError("lrs_count")
    lrs = []
    for word in words:
        shown = escape_markdown(repr(word[:40]))  # the user's own text: no markdown, no mentions
        try:
            value = float(word[:40])
        except ValueError:
            raise UserError("lrs_bad", value=shown) from None
        if not (math.isfinite(value) and value > 0):
            raise UserError("lrs_bad", value=shown)
        lrs.append(value)
    return tuple(lrs)


class Tutor:
    """/solve, /explain, /compare and /help over a run store and a bounded work pool."""

    def __init__(
        self,
        config: Config,
        store: RunStore,
        pool: WorkPool,
        cooldown: Cooldown,
        renderer: Renderer | None = None,
    ) -> None:
        """Use `store` for runs, `pool` for every torch call and `renderer` for the figures."""
        self.config = config
        self.renderer = renderer if renderer is not None else Renderer(0)
        self.store = store
        self.pool = pool
        self.cooldown = cooldown
        # Storage reads and explanations are light; they get their own small pool so that
        # /explain answers even while the compute pool is full.
        self._light = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gd-light")
        # When each job admitted by a check_* but not yet in the pool was admitted: the edge
        # awaits its defer in between, and a burst must not pass the full-pool check all at once.
        self._holds: deque[float] = deque()

    def close(self) -> None:
        """Stop the light executor (the caller owns the store and the pool)."""
        self._light.shutdown(wait=True, cancel_futures=True)

    def _equation(self, text: str, lang: str) -> Equation:
        try:
            return parse_equation(text)
        except EquationError as error:
            raise UserError("bad_equation", detail=equation_error_text(error, lang)) from None

    def _admit(self, caller: Caller) -> None:
        now = time.monotonic()
        while self._holds and now - self._holds[0] > HOLD_SECONDS:
            self._holds.popleft()  # its interaction failed before reaching the pool
        pool = self.pool
        if pool.full or pool.running + pool.pending + len(self._holds) >= pool.workers + pool.queue:
            raise UserError("busy")
        wait = self.cooldown.check(caller.user_id)
        if wait > 0:
            raise UserError("cooldown", seconds=wait)
        self._holds.append(now)

    def _settings(self, lang: str, **options: Any) -> Settings:
        # The config's bound on steps first (the loader keeps it within the solver's), then
        # the Settings check themselves: nothing the solver would refuse reaches a worker.
        limit = self.config.solver.max_steps
        if not 1 <= options.get("steps", 100) <= limit:
            raise UserError("steps_too_many", max=limit)
        try:
            return Settings(**options)
        except SettingsError as error:
            if error.code == "steps_out_of_range":
                raise UserError("steps_too_many", **error.params) from None
            raise UserError("bad_setting", detail=settings_error_text(error.code, lang)) from None

    def check_solve(
        self,
        caller: Caller,
        *,
        x0: float = 1.0,
        lr: float = 0.01,
        steps: int = 100,
        equation: str = "x**2 - 2",
        optimizer: str = "sgd",
        precision: str = "float32",
    ) -> SolveJob:
        """Validate a /solve and admit it (cooldown, queue), or raise UserError."""
        lang = caller.lang
        settings = self._settings(
            lang,
            equation=equation,
            x0=x0,
            lr=lr,
            steps=steps,
            optimizer=optimizer,
            precision=precision,
        )
        eq = self._equation(equation, lang)
        self._admit(caller)
        return SolveJob(caller, eq, settings)

    def _compute_solve(self, job: SolveJob, progress: Progress | None) -> tuple[int, Run, bytes]:
        run = solve(job.settings, max_seconds=self.config.solver.max_seconds, progress=progress)
        png = self.renderer.convergence(run, job.caller.lang)
        run_id = self._save(job.caller, run)
        return run_id, run, png

    def _save(self, caller: Caller, run: Run) -> int:
        return self.store.save(
            run,
            user_id=caller.user_id,
            guild_id=caller.guild_id,
            channel_id=caller.channel_id,
            locale=caller.locale,
        )

    async def run_solve(self, job: SolveJob, progress: Progress | None = None) -> Reply:
        """Solve, draw and store in the pool; the reply goes out only after the run is stored."""
        run_id, run, png = await self._in_pool(self._compute_solve, job, progress)
        return solve_reply(run, run_id, job.equation.pretty, png, job.caller.lang)

    async def _in_pool(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        if self._holds:
            self._holds.popleft()  # the job's hold becomes its place in the pool
        try:
            return await self.pool.run(fn, *args, **kwargs)
        except Busy:
            raise UserError("busy") from None
        except Exception:
            log.exception("a worker failed")
            raise UserError("worker_failed") from None

    async def _light_call(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        call = functools.partial(fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._light, call)

    async def find_run(self, caller: Caller, run_id: int | None) -> StoredRun:
        """The run asked for, or the caller's latest in this channel; UserError if none."""
        if run_id is None:
            stored = await self._light_call(self.store.latest, caller.user_id, caller.channel_id)
            if stored is None:
                raise UserError("no_runs")
            return stored
        stored = await self._light_call(self.store.get, run_id)
        if stored is None:
            raise UserError("unknown_run", run_id=run_id)
        return stored

    async def _explanation(
        self, caller: Caller, iteration: int, run_id: int | None
    ) -> tuple[Explanation, int]:
        stored = await self.find_run(caller, run_id)
        try:
            explanation = await self._light_call(explain, stored.run, iteration, caller.lang)
        except IterationOutOfRange as error:
            raise UserError("iteration_range", k=iteration, last=error.last) from None
        return explanation, stored.id

    async def explain(self, caller: Caller, iteration: int, run_id: int | None = None) -> Reply:
        """Iteration `iteration` of a stored run, explained in the caller's language."""
        explanation, found_id = await self._explanation(caller, iteration, run_id)
        return explain_reply(explanation, found_id, caller.lang)

    async def step(self, caller: Caller, run_id: int, k: int) -> Reply:
        """Step k of a run with ⏮ ◀ ▶ ⏭, for the one who clicked (ephemeral)."""
        explanation, found_id = await self._explanation(caller, k, run_id)
        reply = explain_reply(explanation, found_id, caller.lang)
        reply.buttons = step_buttons(found_id, k, explanation.last_k)
        reply.ephemeral = True
        return reply

    async def export_csv(self, caller: Caller, run_id: int) -> Reply:
        """Every iteration of a run as CSV, for the one who clicked."""
        stored = await self.find_run(caller, run_id)
        # Off the event loop: a 10,000-step Adam run is about 1.4 MB of CSV.
        return await self._light_call(csv_reply, stored.run, stored.id, caller.lang)

    async def check_rerun(self, caller: Caller, run_id: int, factor: float) -> SolveJob:
        """The same problem at lr × factor, as a run of the clicker's (their cooldown applies)."""
        s = (await self.find_run(caller, run_id)).run.settings
        return self.check_solve(
            caller,
            x0=s.x0,
            lr=s.lr * factor,
            steps=min(s.steps, self.config.solver.max_steps),
            equation=s.equation,
            optimizer=s.optimizer,
            precision=s.precision,
        )

    async def recent(self, caller: Caller) -> list[RunSummary]:
        """The caller's newest runs, for autocomplete."""
        return await self._light_call(self.store.recent, caller.user_id, 25)

    def check_compare(
        self,
        caller: Caller,
        *,
        lrs: str,
        x0: float = 1.0,
        steps: int = 100,
        equation: str = "x**2 - 2",
    ) -> CompareJob:
        """Validate a /compare and admit it, or raise UserError."""
        settings = self._settings(caller.lang, equation=equation, x0=x0, steps=steps)
        rates = parse_lrs(lrs)
        eq = self._equation(equation, caller.lang)
        self._admit(caller)
        return CompareJob(caller, eq, settings, rates)

    def _compute_compare(self, job: CompareJob) -> tuple[int, list[Run], bytes]:
        runs = solve_batch(job.settings, job.lrs, max_seconds=self.config.solver.max_seconds)
        png = self.renderer.comparison(runs, job.caller.lang)
        ids = [self._save(job.caller, run) for run in runs]
        return ids[0], runs, png

    async def run_compare(self, job: CompareJob) -> Reply:
        """One batched run of every learning rate, drawn and stored in the pool."""
        first_id, runs, png = await self._in_pool(self._compute_compare, job)
        return compare_reply(runs, first_id, job.equation.pretty, png, job.caller.lang)

    def help(self, lang: str) -> Reply:
        """The /help answer; no executor needed."""
        return help_reply(lang)
