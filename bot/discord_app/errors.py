"""The one error handler of every app command: answer the user in their language, log the rest."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.enums import AppCommandOptionType

from solver.words import language_of, t

from ..reply import Reply
from ..text import for_discord, user_text
from ..tutor.errors import UserError, failure_key
from .to_discord import to_view

log = logging.getLogger(__name__)
# The JSON type Discord's client sends for each option type, and the word for it.
OPTION_KINDS: dict[AppCommandOptionType, tuple[tuple[type, ...], str]] = {
    AppCommandOptionType.string: ((str,), "bot.option_not_text"),
    AppCommandOptionType.integer: ((int,), "bot.option_not_integer"),
    AppCommandOptionType.number: ((int, float), "bot.option_not_number"),
    AppCommandOptionType.boolean: ((bool,), "bot.option_not_boolean"),
}


def error_text(error: BaseException, locale: str) -> str:
    """What to tell the user about `error`, escaped for Discord; unknown errors are logged."""
    lang = language_of(locale)
    cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(cause, UserError):
        return for_discord(cause.text(lang))
    if isinstance(cause, app_commands.TransformerError | app_commands.CommandSignatureMismatch):
        return for_discord(t(lang, "bot.bad_setting", detail=user_text(str(cause)[:300])))
    log.error("command failed", exc_info=cause)
    return t(lang, failure_key(cause, computing=False))


def mistyped_option(
    command: app_commands.Command[Any, ..., Any], data: Any, lang: str
) -> UserError | None:
    """A refusal for the first option whose value is not of its declared type, else None.

    Discord's client never sends one; a buggy or hostile client can, and discord.py would
    fail on it before the command (and its error handler) is reached. The option is named
    as the reader's client shows it.
    """
    declared = {p.display_name: p.type for p in command.parameters}
    for option in data.get("options") or []:
        if not isinstance(option, dict) or option.get("focused"):
            continue
        kind = declared.get(option.get("name"))  # type: ignore[arg-type]
        if kind not in OPTION_KINDS:
            continue
        types, key = OPTION_KINDS[kind]
        value = option.get("value")
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            return UserError(key, option=_option_name(str(option["name"]), lang))
    return None


def _option_name(name: str, lang: str) -> str:
    try:
        return t(lang, f"option.{name}.name")
    except KeyError:  # an option the catalogue does not name: shown as sent
        return user_text(name)


def error_buttons(error: BaseException, locale: str) -> discord.ui.View | None:
    """The buttons a refusal offers (an expired run's Run again), or None."""
    cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if not isinstance(cause, UserError):
        return None
    return to_view(Reply(buttons=cause.buttons(language_of(locale))))


async def answer_failure(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer `error` to the user ephemerally in their language, with the buttons it offers."""
    locale = str(interaction.locale)
    await answer_error(interaction, error_text(error, locale), error_buttons(error, locale))


async def answer_error(
    interaction: discord.Interaction, text: str, view: discord.ui.View | None = None
) -> None:
    """Answer ephemerally, as the first response or as a follow-up if one was already sent."""
    embed = discord.Embed(description=text, color=0xED4245)
    none = discord.AllowedMentions.none()
    extra: dict[str, Any] = {"view": view} if view is not None else {}
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                embed=embed, ephemeral=True, allowed_mentions=none, **extra
            )
        else:
            await interaction.response.send_message(
                embed=embed, ephemeral=True, allowed_mentions=none, **extra
            )
    except discord.HTTPException:
        log.warning("could not deliver an error message to the user", exc_info=True)


class TutorCommandTree(app_commands.CommandTree):
    """A CommandTree whose errors are answered to the user instead of only logged."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Refuse option values of the wrong type, which discord.py cannot turn into arguments."""
        if interaction.type is not discord.InteractionType.application_command:
            return True
        data: Any = interaction.data or {}
        name = str(data.get("name", ""))
        guild = discord.Object(id=interaction.guild_id) if interaction.guild_id else None
        command = self.get_command(name, guild=guild) or self.get_command(name)
        if not isinstance(command, app_commands.Command):
            return True
        locale = str(interaction.locale)
        refusal = mistyped_option(command, data, language_of(locale))
        if refusal is None:
            return True
        await answer_error(interaction, error_text(refusal, locale))
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Answer the user ephemerally in their language."""
        await answer_failure(interaction, error)
