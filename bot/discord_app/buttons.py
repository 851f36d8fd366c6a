"""Buttons as a DynamicItem: their state is in the custom_id, the run comes from storage,
so they keep working after a restart with no views held in memory."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from ..queue.admit import checked_rerun
from ..text import for_discord
from ..tutor.custom_ids import PATTERN, ButtonId, decode
from ..tutor.tutor import Tutor
from .commands import answer_solve, caller_of
from .errors import answer_failure
from .queued import answer_queued, job_of
from .to_discord import edit_kwargs, send_kwargs, to_files

if TYPE_CHECKING:
    from ..queue.submit import JobQueue

log = logging.getLogger(__name__)
RERUN_FACTORS = {"half": 0.5, "double": 2.0, "again": 1.0}


class TutorButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PATTERN):
    """Any gd-tutor button; `tutor` is bound once at start-up by `bind_tutor`."""

    tutor: Tutor
    queue: JobQueue | None = None  # with a job queue, the re-runs go there

    def __init__(self, button_id: ButtonId) -> None:
        super().__init__(discord.ui.Button(custom_id=button_id.encode()))
        self.button_id = button_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any, /
    ) -> TutorButton:
        """Rebuild the button from the custom_id of a click."""
        button_id = decode(match.string)
        assert button_id is not None  # the template matched
        return cls(button_id)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Run the button's action, answering any failure to the clicker in their language."""
        try:
            await self._act(interaction)
        except Exception as error:
            await answer_failure(interaction, error)

    async def _act(self, interaction: discord.Interaction) -> None:
        tutor, bid, caller = self.tutor, self.button_id, caller_of(interaction)
        if bid.action == "explain":
            reply = await tutor.step(caller, bid.run_id, 0)
            await interaction.response.send_message(ephemeral=True, **send_kwargs(reply))
        elif bid.action == "step":
            reply = await tutor.step(caller, bid.run_id, bid.k or 0)
            kwargs = edit_kwargs(reply)
            kwargs.pop("content")
            await interaction.response.edit_message(**kwargs)
        elif bid.action == "csv":
            reply = await tutor.export_csv(caller, bid.run_id)
            await interaction.response.send_message(
                ephemeral=True,
                content=for_discord(reply.description),
                files=to_files(reply),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        elif bid.action == "animate":
            stored = await tutor.find_run(caller, bid.run_id)  # a pruned run is answered at once
            # Preparing and drawing 60 frames may outlast Discord's 3 s on a busy machine.
            await interaction.response.defer(ephemeral=True, thinking=True)
            reply = await tutor.animate_run(caller, stored)
            await interaction.edit_original_response(**edit_kwargs(reply))
        elif self.queue is not None:
            factor = RERUN_FACTORS[bid.action]
            settings = await checked_rerun(tutor, caller, bid.run_id, factor)
            job = job_of(interaction, caller, "solve", settings)
            await answer_queued(interaction, self.queue, job)
        else:
            rerun = await tutor.admit_rerun(caller, bid.run_id, RERUN_FACTORS[bid.action])
            await answer_solve(interaction, tutor, rerun)


def bind_tutor(tutor: Tutor, queue: JobQueue | None = None) -> type[TutorButton]:
    """A TutorButton class bound to `tutor` (and `queue`), ready for `client.add_dynamic_items`."""
    bound = {"tutor": tutor, "queue": queue}
    return type("BoundTutorButton", (TutorButton,), bound, template=PATTERN)
