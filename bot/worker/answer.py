"""One job, start to end: drop it if its token expired or it was answered, compute and store
the run (keyed by the interaction id), then edit the deferred message: numbers, then picture."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import aiohttp
import discord

from .. import metrics
from ..discord_app.progress import show_progress_while
from ..logs import log_context
from ..queue.broker import Answered
from ..queue.job import TOKEN_SECONDS, Job
from ..text import for_discord
from ..tutor.errors import UserError
from ..tutor.staged import Staged
from ..tutor.tutor import Tutor
from .webhook import OriginalMessage, edit_original, interaction_webhook, send_error

log = logging.getLogger(__name__)


class Answerer:
    """Answers jobs with a Tutor (its pool, store and renderer) over one HTTP session."""

    def __init__(self, tutor: Tutor, answered: Answered, session: aiohttp.ClientSession) -> None:
        """Compute with `tutor`, remember answers in `answered`, talk to Discord on `session`."""
        self.tutor = tutor
        self.answered = answered
        self.session = session

    async def answer(self, data: dict[str, Any]) -> None:
        """The job's answer delivered, or the job dropped with a log line; never raises, so
        the job is acknowledged (a failure would only fail again)."""
        job = Job.from_data(data)
        with log_context(interaction=job.interaction_id, job=f"{job.kind}:{job.interaction_id}"):
            await self._answer(job)

    async def _answer(self, job: Job) -> None:
        if job.expired():
            metrics.failed_deliveries.labels(reason="expired").inc()
            log.warning(
                "dropped %s for interaction %d: %.0f s old, past Discord's %d-minute token",
                job.kind,
                job.interaction_id,
                job.age(),
                TOKEN_SECONDS // 60,
            )
            return
        if await self.answered.seen(job.interaction_id):
            log.info("interaction %d was answered already; job skipped", job.interaction_id)
            return
        metrics.stream_wait.observe(job.age())
        log.info(
            "took %s for interaction %d, %.1f ms after it was created",
            job.kind,
            job.interaction_id,
            job.age() * 1e3,
        )
        webhook = interaction_webhook(job, self.session)
        try:
            await self._deliver(job, webhook)
        except discord.HTTPException as error:
            metrics.failed_deliveries.labels(reason=f"http_{error.status}").inc()
            log.warning(
                "could not deliver the answer to interaction %d: %s", job.interaction_id, error
            )
            return
        await self.answered.mark(job.interaction_id)
        log.info("answered %s for interaction %d", job.kind, job.interaction_id)

    async def _deliver(self, job: Job, webhook: discord.Webhook) -> None:
        try:
            staged = await self._numbers(job, webhook)
        except UserError as error:
            await send_error(webhook, for_discord(error.text(job.caller.lang)))
            return
        await edit_original(webhook, staged.numbers)
        await edit_original(webhook, await staged.final())

    async def _numbers(self, job: Job, webhook: discord.Webhook) -> Staged:
        caller = dataclasses.replace(job.caller, interaction_id=job.interaction_id)
        options = dict(job.settings)
        if job.kind == "compare":
            lrs = " ".join(repr(lr) for lr in job.lrs)  # repr reads back the same float
            compare = self.tutor.admit_compare(caller, lrs=lrs, **options)
            return await self.tutor.compare_numbers(compare)
        if job.kind == "race":
            options.pop("optimizer")  # every method runs with the shared settings
            race = self.tutor.admit_race(caller, **options)
            try:
                return await self.tutor.race_numbers(race)
            finally:
                race.release()
        solve = self.tutor.admit_solve(caller, **options)
        try:  # "iteration k / n" on the deferred message while a long run computes
            original = OriginalMessage(webhook)
            numbers = self.tutor.solve_numbers(solve)
            return await show_progress_while(original, caller.lang, solve.progress, numbers)
        finally:
            solve.release()
