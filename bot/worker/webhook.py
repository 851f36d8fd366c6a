"""Answer an interaction from a worker: its webhook is the application id and the interaction
token (no bot token, no gateway connection), and the layout is the gateway's own."""

from __future__ import annotations

from typing import Any, cast

import aiohttp
import discord

from ..discord_app.to_discord import edit_kwargs
from ..queue.job import Job
from ..reply import Reply

# Discord's name for the deferred response, in the message id's place of the webhook route.
ORIGINAL = cast(int, "@original")
ERROR_COLOR = 0xED4245


class LaidOutView(discord.ui.View):
    """Buttons sent as they are laid out. A click reaches whichever gateway gets it, through
    the custom_id (a DynamicItem); nothing is dispatched here, so no state is needed."""

    def is_dispatchable(self) -> bool:
        """Never: discord.py would otherwise ask for a client's state to route clicks."""
        return False


def interaction_webhook(job: Job, session: aiohttp.ClientSession) -> discord.Webhook:
    """The interaction's webhook (type 3, an application's: it may send ephemeral messages)."""
    data: Any = {"id": job.application_id, "type": 3, "token": job.token}
    return discord.Webhook(data, session=session)


def laid_out(view: discord.ui.View | None) -> LaidOutView | None:
    """The same buttons in a LaidOutView."""
    if view is None:
        return None
    copy = LaidOutView(timeout=None)
    for item in view.children:
        copy.add_item(item)
    copy.stop()
    return copy


async def edit_original(webhook: discord.Webhook, reply: Reply) -> None:
    """Replace the deferred message with `reply` (an edit: doing it twice shows one answer)."""
    kwargs = edit_kwargs(reply)
    kwargs["view"] = laid_out(kwargs["view"])
    await webhook.edit_message(ORIGINAL, **kwargs)


class OriginalMessage:
    """The deferred message as progress edits see it (`show_progress_while`)."""

    def __init__(self, webhook: discord.Webhook) -> None:
        """Edit through `webhook`."""
        self.webhook = webhook

    async def edit_original_response(
        self, *, content: str | None, allowed_mentions: discord.AllowedMentions
    ) -> Any:
        """Replace the message's text (the embed, when there is one, stays)."""
        return await self.webhook.edit_message(
            ORIGINAL, content=content, allowed_mentions=allowed_mentions
        )


async def send_error(webhook: discord.Webhook, text: str) -> None:
    """The refusal or failure, only for the user, as the gateway's error handler sends it."""
    embed = discord.Embed(description=text, color=ERROR_COLOR)
    await webhook.send(embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
