"""The slash commands in every catalogue language: discord.py's Translator over solver.words.

Names come from `command.<name>.name` and `option.<name>.name`; descriptions and choices
carry their catalogue key in the locale_str (see `catalogue_text`).
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from solver.words import FALLBACK, language, language_of, t


def catalogue_text(key: str) -> app_commands.locale_str:
    """The English text of `key`, marked with the key so every other language can be found."""
    return app_commands.locale_str(t(FALLBACK, key), key=key)


def catalogue_key(
    string: app_commands.locale_str, context: app_commands.TranslationContextTypes
) -> str | None:
    """The catalogue key of a command's string: its own mark, else found from its name."""
    if "key" in string.extras:
        return str(string.extras["key"])
    if context.location in (Where.command_name, Where.group_name):
        return f"command.{string.message}.name"
    if context.location is Where.parameter_name:
        return f"option.{string.message}.name"
    return None


class CatalogueTranslator(app_commands.Translator):
    """Offers each catalogue language its commands, options and choices; English is the source."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The text for `string` in the locale's language, or None to keep the English."""
        lang = language_of(locale.value)
        key = catalogue_key(string, context)
        if lang == FALLBACK or key is None:
            return None
        return language(lang).messages.get(key)
