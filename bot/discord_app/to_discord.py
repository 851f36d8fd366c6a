"""A plain Reply laid out as discord.py objects: an embed, files and buttons."""

from __future__ import annotations

import io
from typing import Any

import discord

from ..reply import Reply
from ..text import clip, for_discord

STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
}


def to_embed(reply: Reply) -> discord.Embed:
    """The embed of a reply; its image refers to the attached PNG."""
    # Clipped after escaping, which lengthens the text, to Discord's embed limits.
    embed = discord.Embed(
        title=clip(for_discord(reply.title), 256) or None,
        description=clip(for_discord(reply.description), 4096) or None,
        color=reply.color,
    )
    for field in reply.fields:
        embed.add_field(
            name=clip(for_discord(field.name), 256),
            value=clip(for_discord(field.value), 1024),
            inline=field.inline,
        )
    if reply.footer:
        embed.set_footer(text=clip(for_discord(reply.footer), 2048))
    if reply.image is not None:
        embed.set_image(url=f"attachment://{reply.image.filename}")
    return embed


def to_files(reply: Reply) -> list[discord.File]:
    """The image and the other files, as discord.File objects (made fresh for each send)."""
    attachments = ([reply.image] if reply.image else []) + reply.files
    return [discord.File(io.BytesIO(a.data), filename=a.filename) for a in attachments]


def to_view(reply: Reply) -> discord.ui.View | None:
    """Buttons as a View with no timeout; their custom_ids carry all their state."""
    if not reply.buttons:
        return None
    view = discord.ui.View(timeout=None)
    for row, buttons in enumerate(reply.buttons):
        for button in buttons:
            view.add_item(
                discord.ui.Button(
                    label=button.label,
                    custom_id=button.custom_id,
                    disabled=button.disabled,
                    row=row,
                    style=STYLES.get(button.style, discord.ButtonStyle.secondary),
                )
            )
    # Clicks reach TutorButton (a DynamicItem) through the custom_id; a live view would only
    # be kept in discord.py's view store for ever, one per reply. A stopped one is not stored.
    view.stop()
    return view


def send_kwargs(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for send_message / followup.send, mentions always disabled."""
    kwargs: dict[str, Any] = {
        "content": reply.note or None,
        "embed": to_embed(reply),
        "files": to_files(reply),
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    view = to_view(reply)
    if view is not None:
        kwargs["view"] = view
    return kwargs


def edit_kwargs(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for edit_original_response: replaces text, embed, files and buttons."""
    kwargs = send_kwargs(reply)
    kwargs["attachments"] = kwargs.pop("files")
    kwargs.setdefault("view", None)
    return kwargs
