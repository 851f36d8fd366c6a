"""Option values as the Discord client sends them, typed and checked against the synced schema."""

from __future__ import annotations

from typing import Any

STRING, INTEGER, BOOLEAN, NUMBER = 3, 4, 5, 10
SAFE_INTEGER = 2**53  # Discord: INTEGER and NUMBER values lie between -2^53 and 2^53


def _coerce(option: dict[str, Any], value: Any) -> Any:
    kind = option["type"]
    name = option["name"]
    if kind == STRING:
        if not isinstance(value, str):
            raise ValueError(f"stand-in: option {name!r} is a string, got {value!r}")
        if option.get("min_length") is not None and len(value) < option["min_length"]:
            raise ValueError(f"stand-in: {name!r} shorter than min_length {option['min_length']}")
        if option.get("max_length") is not None and len(value) > option["max_length"]:
            raise ValueError(f"stand-in: {name!r} longer than max_length {option['max_length']}")
    elif kind == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"stand-in: option {name!r} is an integer, got {value!r}")
    elif kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"stand-in: option {name!r} is a number, got {value!r}")
    elif kind == BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError(f"stand-in: option {name!r} is a boolean, got {value!r}")
    else:
        raise NotImplementedError(f"stand-in: option type {kind} ({name!r}) is not supported")
    if kind in (INTEGER, NUMBER):
        if not -SAFE_INTEGER <= value <= SAFE_INTEGER:  # NaN and infinities fail too
            raise ValueError(f"stand-in: {name!r}={value} outside the ±2^53 Discord allows")
        if option.get("min_value") is not None and value < option["min_value"]:
            raise ValueError(f"stand-in: {name!r}={value} below min_value {option['min_value']}")
        if option.get("max_value") is not None and value > option["max_value"]:
            raise ValueError(f"stand-in: {name!r}={value} above max_value {option['max_value']}")
    choices = option.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise ValueError(f"stand-in: {name!r}={value!r} is not one of its choices")
    return value


def command_options(
    command: dict[str, Any], given: dict[str, Any], *, focused: str | None, validate: bool
) -> list[dict[str, Any]]:
    """data.options for an interaction: schema order, typed values, `focused` sent as typed text.

    With validate=True, whatever the Discord client would refuse to send raises ValueError
    (unknown or missing required options, wrong types, out-of-range values, non-choices).
    """
    schema = {o["name"]: o for o in command.get("options") or []}
    unknown = set(given) - set(schema)
    if unknown:
        raise ValueError(
            f"stand-in: /{command['name']} has no option(s) {sorted(unknown)}; "
            f"it has {list(schema)}"
        )
    if validate:
        missing = [n for n, o in schema.items() if o.get("required") and n not in given]
        if missing:
            raise ValueError(f"stand-in: /{command['name']} needs option(s) {missing}")
    result: list[dict[str, Any]] = []
    for name, option in schema.items():
        if name not in given:
            continue
        value = given[name]
        if name == focused:
            result.append(
                {"name": name, "type": option["type"], "value": str(value), "focused": True}
            )
            continue
        if validate:
            value = _coerce(option, value)
        result.append({"name": name, "type": option["type"], "value": value})
    return result
