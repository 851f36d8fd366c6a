"""The catalogues of words, one TOML file per language in this folder, and the one lookup."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

FALLBACK = "en"
FOLDER = Path(__file__).parent
_META = "language"  # the table of facts about a language; every other table holds messages


@dataclass(frozen=True)
class Language:
    """One language's catalogue: its messages by key, and what drawing it needs."""

    code: str
    name: str
    messages: Mapping[str, str]
    # Font families a plot needs for this script, in order of preference, and their files
    # for when matplotlib's font cache predates them; empty when the base font draws it.
    font_families: tuple[str, ...] = ()
    font_files: tuple[str, ...] = ()


def load_languages(folder: Path) -> dict[str, Language]:
    """Every `<code>.toml` in `folder`, by code: a new language is one new file."""
    return {path.stem: _load(path) for path in sorted(folder.glob("*.toml"))}


def _load(path: Path) -> Language:
    with path.open("rb") as file:
        data = tomllib.load(file)
    meta = data.pop(_META, {})
    return Language(
        code=path.stem,
        name=str(meta.get("name", path.stem)),
        messages=MappingProxyType(dict(_flatten(data, path))),
        font_families=tuple(map(str, meta.get("font_families", ()))),
        font_files=tuple(map(str, meta.get("font_files", ()))),
    )


def _flatten(table: Mapping[str, Any], path: Path, prefix: str = "") -> Iterator[tuple[str, str]]:
    # [bot] busy = "…" becomes the key "bot.busy".
    for name, value in table.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, path, f"{prefix}{name}.")
        elif isinstance(value, str):
            yield prefix + name, value
        else:
            raise TypeError(f"{path}: {prefix}{name} must be text")


_LANGUAGES = load_languages(FOLDER)


def languages() -> tuple[str, ...]:
    """The codes of every language with a catalogue, e.g. ("en", "ja")."""
    return tuple(_LANGUAGES)


def language(code: str) -> Language:
    """The catalogue of `code`, or the fallback's (English) when there is none."""
    return _LANGUAGES.get(code) or _LANGUAGES[FALLBACK]


def language_of(locale: str | None) -> str:
    """The language to answer a Discord locale in: 'ja' for 'ja', 'en' for 'en-US' and unknowns."""
    text = (locale or "").lower()
    for code in (text.replace("-", "_"), text.split("-")[0]):
        if code in _LANGUAGES:
            return code
    return FALLBACK


def t(lang: str, key: str, /, **params: object) -> str:
    """The message `key` in `lang`, filled with `params`; English when `lang` lacks it.

    A field the caller does not give, such as {option.steps.name}, is the catalogue's own
    entry of that key in the same language.
    """
    return template(lang, key).format_map(_Fields(lang, params))


def template(lang: str, key: str) -> str:
    """The unfilled template of `key` in `lang`, or in English; KeyError if English lacks it."""
    messages = language(lang).messages
    return messages[key] if key in messages else _LANGUAGES[FALLBACK].messages[key]


class _Fields(dict[str, object]):
    def __init__(self, lang: str, params: Mapping[str, object]) -> None:
        super().__init__(params)
        self.lang = lang

    def __missing__(self, name: str) -> _Entry:
        return _Entry(self.lang, name)


class _Entry:
    """A dotted field ({option.steps.name}) read as the catalogue entry of that key."""

    def __init__(self, lang: str, key: str) -> None:
        self.lang, self.key = lang, key

    def __getattr__(self, name: str) -> _Entry:
        return _Entry(self.lang, f"{self.key}.{name}")

    def __format__(self, spec: str) -> str:
        return format(t(self.lang, self.key), spec)
