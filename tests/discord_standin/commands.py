"""Application commands: Discord's validation of a bulk overwrite, and the stored command objects."""

from __future__ import annotations

import re
from typing import Any

from . import payloads

LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)
NAME = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
SUBCOMMAND_TYPES = (1, 2)
# Discord's ApplicationIntegrationType (guild install, user install) and InteractionContextType
# (guild, DM with the bot, private channel: a DM or group DM the bot is not in).
INTEGRATION_TYPES = (0, 1)
CONTEXTS = (0, 1, 2)


def _err(errors: dict[str, Any], path: list[str | int], code: str, message: str) -> None:
    node = errors
    for key in path:
        node = node.setdefault(str(key), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _check_name(errors: dict[str, Any], path: list[str | int], name: Any) -> None:
    if not isinstance(name, str) or not NAME.match(name):
        _err(errors, path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")
    elif name != name.lower():
        _err(
            errors,
            path,
            "APPLICATION_COMMAND_INVALID_NAME",
            f"Command name must be lowercase: {name!r}",
        )


def _check_description(errors: dict[str, Any], path: list[str | int], text: Any) -> None:
    if not isinstance(text, str) or not 1 <= len(text) <= 100:
        _err(errors, path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")


def _check_localized(
    errors: dict[str, Any], path: list[str | int], item: dict[str, Any], chat: bool
) -> None:
    for key, check in (
        ("name_localizations", _check_name),
        ("description_localizations", _check_description),
    ):
        for locale, text in (item.get(key) or {}).items():
            if locale not in LOCALES:
                _err(errors, [*path, key, locale], "LOCALE_INVALID", f"Invalid locale {locale!r}")
            elif check is _check_name and not chat:
                if not isinstance(text, str) or not 1 <= len(text) <= 32:
                    _err(
                        errors,
                        [*path, key, locale],
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be 1-32 in length.",
                    )
            else:
                check(errors, [*path, key, locale], text)


def _check_options(
    errors: dict[str, Any], path: list[str | int], options: list[dict[str, Any]]
) -> None:
    if len(options) > 25:
        _err(errors, path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    seen_optional = False
    names: set[str] = set()
    for index, option in enumerate(options):
        here: list[str | int] = [*path, index]
        _check_name(errors, [*here, "name"], option.get("name"))
        _check_description(errors, [*here, "description"], option.get("description"))
        _check_localized(errors, here, option, chat=True)
        if option.get("name") in names:
            _err(
                errors,
                [*here, "name"],
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        names.add(option.get("name", ""))
        if option.get("required"):
            if seen_optional:
                _err(
                    errors,
                    here,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if len(choices) > 25:
            _err(
                errors, [*here, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        if choices and option.get("autocomplete"):
            _err(
                errors,
                [*here, "autocomplete"],
                "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES",
                "Autocomplete cannot be set with choices",
            )
        for number, choice in enumerate(choices):
            if not 1 <= len(str(choice.get("name", ""))) <= 100:
                _err(
                    errors,
                    [*here, "choices", number, "name"],
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
        if option.get("type") in SUBCOMMAND_TYPES:
            _check_options(errors, [*here, "options"], option.get("options") or [])


def _check_enums(
    errors: dict[str, Any], path: list[str | int], values: Any, allowed: tuple[int, ...]
) -> None:
    """A list of enum values, or null (the default); each must be one of `allowed`."""
    if values is None:
        return
    if not isinstance(values, list):
        _err(errors, path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return
    for index, value in enumerate(values):
        if isinstance(value, bool) or value not in allowed:
            _err(
                errors,
                [*path, index],
                "ENUM_TYPE_COERCE",
                f'Value "{value}" is not a valid enum value.',
            )


def overwrite_errors(commands: list[dict[str, Any]]) -> dict[str, Any]:
    """Form-body errors Discord reports for a bulk overwrite ({} when valid)."""
    errors: dict[str, Any] = {}
    if len(commands) > 100:
        _err(errors, [], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        kind = int(command.get("type", 1))
        chat = kind == 1
        if chat:
            _check_name(errors, [index, "name"], command.get("name"))
            _check_description(errors, [index, "description"], command.get("description"))
        elif not 1 <= len(str(command.get("name", ""))) <= 32:
            _err(
                errors,
                [index, "name"],
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 32 in length.",
            )
        _check_localized(errors, [index], command, chat)
        _check_enums(
            errors,
            [index, "integration_types"],
            command.get("integration_types"),
            INTEGRATION_TYPES,
        )
        _check_enums(errors, [index, "contexts"], command.get("contexts"), CONTEXTS)
        _check_options(errors, [index, "options"], command.get("options") or [])
        key = (kind, str(command.get("name")))
        if key in seen:
            _err(
                errors,
                [index, "name"],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {key[1]}",
            )
        seen.add(key)
    return errors


def stored_command(
    command: dict[str, Any], app_id: str, guild_id: str | None, previous: dict[str, Any] | None
) -> dict[str, Any]:
    """The command object Discord returns and keeps (same id when the name and type are kept)."""
    data: dict[str, Any] = {
        "id": previous["id"] if previous else payloads.snowflake(),
        "application_id": app_id,
        "version": payloads.snowflake(),
        "type": int(command.get("type", 1)),
        "name": command["name"],
        "name_localizations": command.get("name_localizations"),
        "description": command.get("description", ""),
        "description_localizations": command.get("description_localizations"),
        "default_member_permissions": command.get("default_member_permissions"),
        "dm_permission": command.get("dm_permission", True),
        "contexts": command.get("contexts"),
        "integration_types": command.get("integration_types") or [0],
        "nsfw": bool(command.get("nsfw", False)),
        "options": command.get("options") or [],
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
    return data
