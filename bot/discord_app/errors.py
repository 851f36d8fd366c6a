"""The one error handler of every app command: answer the user in their language, log the rest."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from solver.words import language_of, t

from ..tutor.errors import UserError

log = logging.getLogger(__name__)


def error_text(error: BaseException, locale: str) -> str:
    """What to tell the user about `error`; unknown errors are logged with their traceback."""
    lang = language_of(locale)
    cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(cause, UserError):
        return cause.text(lang)
    if isinstance(cause, app_commands.TransformerError | app_commands.CommandSignatureMismatch):
        return t(lang, "bot.bad_setting", detail=str(cause)[:300])
    log.error("command failed", exc_info=cause)
    return t(lang, "bot.internal_error")


async def answer_error(interaction: discord.Interaction, text: str) -> None:
    """Answer ephemerally, as the first response or as a follow-up if one was already sent."""
    embed = discord.Embed(description=text, color=0xED4245)
    none = discord.AllowedMentions.none()
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=none)
        else:
            await interaction.response.send_message(
                embed=embed, ephemeral=True, allowed_mentions=none
            )
    except discord.HTTPException:
        log.warning("could not deliver an error message to the user", exc_info=True)


class TutorCommandTree(app_commands.CommandTree):
    """A CommandTree whose on_error answers the user instead of only logging."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Answer the user ephemerally in their language."""
        await answer_error(interaction, error_text(error, str(interaction.locale)))
