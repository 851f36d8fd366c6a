"""The gateway's answer when a job queue is configured: defer (thinking), then queue the job;
a worker edits the deferred message with the answer through the interaction's webhook."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from ..queue.job import Job
from ..tutor.caller import Caller

if TYPE_CHECKING:  # redis and taskiq load only when a queue is configured
    from ..queue.submit import JobQueue


def job_of(
    interaction: discord.Interaction,
    caller: Caller,
    kind: str,
    settings: dict[str, Any],
    lrs: tuple[float, ...] = (),
) -> Job:
    """The job answering `interaction` (its id, application, token and time go with it)."""
    return Job(
        kind=kind,
        settings=settings,
        caller=caller,
        interaction_id=interaction.id,
        application_id=interaction.application_id,
        token=interaction.token,
        created_at=interaction.created_at.timestamp(),
        lrs=lrs,
    )


async def answer_queued(interaction: discord.Interaction, queue: JobQueue, job: Job) -> None:
    """Defer with "thinking", then queue the job; UserError (answered by the error handler)
    when the queue is full or cannot be reached."""
    await interaction.response.defer(thinking=True)
    await queue.submit(job)
