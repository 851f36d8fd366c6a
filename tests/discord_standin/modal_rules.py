"""Discord's rules for a modal (interaction callback type 9), answered as Discord answers them
(400, code 50035), and the values a client may submit in its text inputs."""

from __future__ import annotations

from typing import Any

from .validation import _error

MAX_TITLE = 45
MAX_ROWS = 5
MAX_LABEL = 45
MAX_PLACEHOLDER = 100
MAX_TEXT = 4000
TEXT_INPUT, ACTION_ROW, LABEL = 4, 1, 18


def _length(errors: dict[str, Any], path: list[str | int], value: Any, low: int, high: int) -> None:
    if not isinstance(value, str) or not low <= len(value) <= high:
        _error(errors, path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")


def _text_input(
    item: dict[str, Any], path: list[str | int], labelled: bool, errors: dict[str, Any]
) -> None:
    _length(errors, [*path, "custom_id"], item.get("custom_id"), 1, 100)
    if item.get("style", 1) not in (1, 2):
        _error(errors, [*path, "style"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
    if not labelled:  # inside a Label component the label is the Label's
        _length(errors, [*path, "label"], item.get("label"), 1, MAX_LABEL)
    if item.get("placeholder") is not None:
        _length(errors, [*path, "placeholder"], item["placeholder"], 0, MAX_PLACEHOLDER)
    low, high = item.get("min_length"), item.get("max_length")
    if low is not None and not (isinstance(low, int) and 0 <= low <= MAX_TEXT):
        _error(errors, [*path, "min_length"], "NUMBER_TYPE_MAX", "min_length must be 0 to 4000.")
    if high is not None and not (isinstance(high, int) and 1 <= high <= MAX_TEXT):
        _error(errors, [*path, "max_length"], "NUMBER_TYPE_MAX", "max_length must be 1 to 4000.")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        _error(
            errors, [*path, "min_length"], "BASE_TYPE_BAD_LENGTH", "min_length exceeds max_length."
        )
    if item.get("value") is not None:
        _length(errors, [*path, "value"], item["value"], 0, high or MAX_TEXT)


def modal_errors(data: dict[str, Any]) -> dict[str, Any]:
    """Form-body errors of a modal callback's data ({} when Discord would show it)."""
    errors: dict[str, Any] = {}
    _length(errors, ["data", "custom_id"], data.get("custom_id"), 1, 100)
    _length(errors, ["data", "title"], data.get("title"), 1, MAX_TITLE)
    rows = data.get("components")
    if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
        _error(
            errors,
            ["data", "components"],
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 5 in length.",
        )
        return errors
    for index, row in enumerate(rows):
        path: list[str | int] = ["data", "components", index]
        if row.get("type") == LABEL:
            _length(errors, [*path, "label"], row.get("label"), 1, MAX_LABEL)
            child = row.get("component") or {}
            if child.get("type") == TEXT_INPUT:
                _text_input(child, [*path, "component"], True, errors)
            continue
        children = row.get("components") or []
        if (
            row.get("type") != ACTION_ROW
            or len(children) != 1
            or children[0].get("type") != TEXT_INPUT
        ):
            _error(errors, path, "UNION_TYPE_CHOICES", "A modal row holds exactly one text input.")
            continue
        _text_input(children[0], [*path, "components", 0], False, errors)
    return errors


def text_inputs(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every text input of a modal, in order."""
    found = []
    for row in data.get("components") or []:
        for item in [row.get("component") or {}, *(row.get("components") or [])]:
            if item.get("type") == TEXT_INPUT:
                found.append(item)
    return found


def value_problem(item: dict[str, Any], value: str) -> str | None:
    """Why Discord's client would not submit `value` in this text input, or None."""
    low, high = item.get("min_length") or 0, item.get("max_length") or MAX_TEXT
    if item.get("required", True) and not value:
        return f"{item['custom_id']!r} is required"
    if value and not low <= len(value) <= high:
        return f"{item['custom_id']!r} takes {low} to {high} characters, got {len(value)}"
    return None
