"""The catalogue of words: every language has every key with the same fields, every key is used."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from solver.words import FALLBACK, language, language_of, languages, load_languages, t
from solver.words.catalogue import FOLDER, template

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = language(FALLBACK).messages
OTHERS = [code for code in languages() if code != FALLBACK]


def fields(text: str) -> set[tuple[str, str, str | None]]:
    """Every {field!conversion:spec} of a template."""
    return {
        (name, spec or "", conversion)
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    }


def test_english_and_japanese_are_found_from_their_files() -> None:
    assert {"en", "ja"} <= set(languages())
    assert set(languages()) == {path.stem for path in FOLDER.glob("*.toml")}


@pytest.mark.parametrize("lang", OTHERS)
def test_every_language_has_every_english_key_and_no_other(lang: str) -> None:
    messages = language(lang).messages
    assert sorted(set(ENGLISH) - set(messages)) == []
    assert sorted(set(messages) - set(ENGLISH)) == []


@pytest.mark.parametrize("lang", OTHERS)
def test_every_message_takes_the_same_fields_in_every_language(lang: str) -> None:
    messages = language(lang).messages
    differ = {key for key in ENGLISH if fields(ENGLISH[key]) != fields(messages[key])}
    assert sorted(differ) == []


@pytest.mark.parametrize("lang", languages())
def test_every_dotted_field_is_an_entry_of_the_catalogue(lang: str) -> None:
    # {option.steps.name} is filled from the catalogue itself, so it must exist there.
    messages = language(lang).messages
    dotted = {name for text in messages.values() for name, _, _ in fields(text) if "." in name}
    assert dotted and sorted(dotted - set(messages)) == []


def _source_keys() -> tuple[set[str], list[re.Pattern[str]]]:
    """Keys written whole in bot/ and solver/, and f-string keys as patterns: f"hint.{key}"."""
    whole: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("solver/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                whole.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                # Only f-strings that start with a namespace, such as f"outcome.{...}".
                if isinstance(first, ast.Constant) and re.match(r"[a-z_]+\.", str(first.value)):
                    parts = [
                        re.escape(str(v.value)) if isinstance(v, ast.Constant) else r"[a-z0-9_]+"
                        for v in node.values
                    ]
                    patterns.append(re.compile("".join(parts)))
    return whole, patterns


def test_every_key_is_used_by_the_code_or_by_another_message() -> None:
    whole, patterns = _source_keys()
    referenced = {name for text in ENGLISH.values() for name, _, _ in fields(text)}
    unused = [
        key
        for key in ENGLISH
        if key not in whole
        and key not in referenced
        and not any(pattern.fullmatch(key) for pattern in patterns)
    ]
    assert unused == []


def test_a_key_missing_in_a_language_and_an_unknown_language_fall_back_to_english() -> None:
    busy = "I'm busy with other runs right now. Please try again in a few seconds."
    assert t("fr", "bot.busy") == busy
    assert t("ja", "bot.busy") != busy
    assert template("xx", "outcome.converged") == "converged"
    with pytest.raises(KeyError):
        t("ja", "bot.no_such_key")


def test_option_names_in_a_message_are_the_ones_the_readers_client_shows() -> None:
    assert t("en", "bot.steps_too_many", max=500) == "steps must be between 1 and 500."
    assert t("ja", "bot.steps_too_many", max=500).startswith("ステップ数は 1 から 500 ")
    assert (
        t("ja", "solve.footer", run_id=3, seconds=0.5) == "実行 #3 · 0.50 秒 · /説明 反復:1 実行:3"
    )
    assert t("en", "solve.footer", run_id=3, seconds=0.5) == (
        "run #3 · 0.50 s · /explain iteration:1 run:3"
    )


def test_a_discord_locale_picks_its_language() -> None:
    assert [language_of(x) for x in ("ja", "en-US", "en-GB", "fr", "", None)] == [
        "ja",
        "en",
        "en",
        "en",
        "en",
        "en",
    ]


def test_a_third_language_is_one_new_file(tmp_path: Path) -> None:
    for path in FOLDER.glob("*.toml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "fr.toml").write_text(
        '[language]\nname = "Français"\n\n[bot]\nbusy = "Je suis occupé."\n', encoding="utf-8"
    )
    found = load_languages(tmp_path)
    assert set(found) == {*languages(), "fr"}
    assert found["fr"].name == "Français" and dict(found["fr"].messages) == {
        "bot.busy": "Je suis occupé."
    }
    assert found["fr"].font_families == () and found["ja"].font_families


def test_a_catalogue_value_that_is_not_text_is_refused(tmp_path: Path) -> None:
    (tmp_path / "xx.toml").write_text("[bot]\nbusy = 3\n", encoding="utf-8")
    with pytest.raises(TypeError, match=r"xx.toml: bot.busy must be text"):
        load_languages(tmp_path)
