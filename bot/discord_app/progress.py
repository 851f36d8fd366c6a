"""Progress on long runs: the deferred message shows "iteration k / n", at most once a second."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable
from typing import Any, Protocol, TypeVar

import discord

from solver import Progress
from solver.words import t

log = logging.getLogger(__name__)
T = TypeVar("T")
INTERVAL = 1.0


class EditsOriginal(Protocol):
    """What progress edits need: an interaction, or a worker's interaction webhook."""

    async def edit_original_response(
        self, *, content: str | None, allowed_mentions: discord.AllowedMentions
    ) -> Any:
        """Replace the deferred message's text."""


def progress_text(progress: Progress, lang: str) -> str:
    """ "Iteration k / n · x = … · loss = …" from a worker's Progress."""
    x = f"{progress.x:.7f}" if math.isfinite(progress.x) else str(progress.x)
    loss = f"{progress.loss:.3e}" if math.isfinite(progress.loss) else str(progress.loss)
    return t(lang, "solve.progress", k=progress.k + 1, n=progress.steps, x=x, loss=loss)


async def show_progress_while(
    interaction: EditsOriginal, lang: str, progress: Progress, work: Awaitable[T]
) -> T:
    """Await `work`; while it runs past a second, edit the deferred message with `progress`.

    The worker only writes plain attributes of `progress`; this coroutine polls them, so the
    run is never slowed down or blocked by Discord.
    """
    task = asyncio.ensure_future(work)
    next_edit = time.monotonic() + INTERVAL
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=max(0.0, next_edit - time.monotonic()))
            if done:
                return task.result()
            if progress.steps and not math.isnan(progress.x):  # shown once the run has begun
                try:
                    await interaction.edit_original_response(
                        content=progress_text(progress, lang),
                        allowed_mentions=discord.AllowedMentions.none(),
                    )
                except Exception:  # progress is best effort; it must never sink the answer
                    log.warning("a progress edit failed", exc_info=True)
            # Counted from the end of the edit: a slow edit followed by a quick one must still
            # reach Discord a full INTERVAL apart.
            next_edit = time.monotonic() + INTERVAL
    finally:
        if not task.done():
            task.cancel()
