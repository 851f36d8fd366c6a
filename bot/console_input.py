"""What the console reads: its commands and their options, a line parsed into them, and the
usage that `python -m bot --help` shows. No torch or discord here, so --help stays instant."""

from __future__ import annotations

import re
from collections.abc import Callable

# What Discord's client accepts in a NUMBER and an INTEGER option: ASCII decimal notation,
# an optional sign, an exponent for numbers. Not Python's float()/int(): no 1_000, no ١.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_OPTION = re.compile(r"(?:^|\s)(\w+):")  # equations never hold ":", so any word: is an option


def number(text: str) -> float:
    """A NUMBER option's value: 0.01, -2, 1e-3, .5 (ValueError otherwise)."""
    if not _NUMBER.fullmatch(text):
        raise ValueError(text)
    return float(text)


def integer(text: str) -> int:
    """An INTEGER option's value: 12, -3, any length (ValueError otherwise)."""
    if not _INTEGER.fullmatch(text):
        raise ValueError(text)
    try:
        return int(text)
    except ValueError:  # past Python's limit on digits for int(): no run has such an id
        raise ValueError(text) from None


def boolean(text: str) -> bool:
    """A BOOLEAN option's value: true or false, in any case (ValueError otherwise)."""
    value = {"true": True, "false": False}.get(text.lower())
    if value is None:
        raise ValueError(text)
    return value


# The Discord locale the console user's client would report, per --lang.
LOCALES = {"en": "en-US", "ja": "ja"}
OPTIONS: dict[str, dict[str, Callable[[str], object]]] = {
    "solve": {
        "x0": number,
        "lr": number,
        "steps": integer,
        "equation": str,
        "optimizer": str,
        "precision": str,
    },
    "explain": {"iteration": integer, "run": integer},
    "compare": {"lrs": str, "x0": number, "steps": integer, "equation": str},
    "race": {"x0": number, "lr": number, "steps": integer, "equation": str, "precision": str},
    "quiz": {"level": integer, "stats": boolean},
    "help": {},
    "animate": {"run": integer},  # the Animate button: the GIF is saved, its path printed
}
REQUIRED = {"explain": ("iteration",), "compare": ("lrs",)}
_TYPE_NAMES = {"number": "number", "integer": "integer", "str": "text", "boolean": "true|false"}
_EXPECTED = {
    "number": "a number in decimal digits (e.g. 2, -0.5, 1e-3)",
    "integer": "an integer in decimal digits, at most 4300 of them (e.g. 0, 12, -3)",
    "boolean": "true or false",
}
USAGE = (
    "commands: " + ", ".join(f"/{name}" for name in OPTIONS) + " (e.g. /solve x0:1 lr:0.01), /quit"
)


class ConsoleInputError(ValueError):
    """A line the console cannot turn into a command."""


def command_usage(name: str) -> str:
    """`/explain iteration:integer [run:integer]`: the options of OPTIONS, required ones bare."""
    parts = [f"/{name}"]
    for option, kind in OPTIONS[name].items():
        text = f"{option}:{_TYPE_NAMES.get(kind.__name__, kind.__name__)}"
        parts.append(text if option in REQUIRED.get(name, ()) else f"[{text}]")
    return " ".join(parts)


def commands_help() -> str:
    """The console's commands and their options, as `python -m bot --help` lists them."""
    lines = ["console commands (python -m bot --console), one per line:"]
    lines += [f"  {command_usage(name)}" for name in OPTIONS]
    lines += [
        "  /quit (or end the input with Ctrl-D)",
        "A value runs up to the next option, so equations may hold spaces:",
        "  /solve x0:1 lr:0.01",
        "  /solve equation:x^2 = 2 optimizer:adam steps:200",
        "  /explain iteration:1",
        "  /compare lrs:0.01 0.1 0.5",
        "  /race x0:1 lr:0.01",
        "  /quiz level:3",
        "  /quiz stats:true",
        "After /quiz level:N the next line typed is the answer.",
        "  /animate run:1",
    ]
    return "\n".join(lines)


def parse_line(line: str) -> tuple[str, dict[str, object]]:
    """`/solve x0:1 equation:x^2 = 2` -> ("solve", {"x0": 1.0, "equation": "x^2 = 2"})."""
    match = re.fullmatch(r"/(\w+)\s*(.*)", line.strip(), flags=re.DOTALL)
    if not match or match.group(1) not in OPTIONS:
        raise ConsoleInputError(USAGE)
    name, rest = match.groups()
    known = OPTIONS[name]
    takes = f"/{name} takes {', '.join(known) or 'none'}"
    # A value runs until the next "option:", so equations may hold spaces.
    found = list(_OPTION.finditer(rest))
    if rest.strip() and (not found or rest[: found[0].start()].strip()):
        raise ConsoleInputError(f"options look like name:value; {takes}")
    options: dict[str, object] = {}
    for i, m in enumerate(found):
        option = m.group(1)
        if option not in known:
            raise ConsoleInputError(f"unknown option {option!r}: {takes}")
        if option in options:
            raise ConsoleInputError(f"{option} is given twice: give each option once")
        end = found[i + 1].start() if i + 1 < len(found) else len(rest)
        raw = rest[m.end() : end].strip()
        try:
            options[option] = known[option](raw)
        except ValueError:
            raise ConsoleInputError(
                f"{option}: {raw[:40]!r} is not {_EXPECTED[known[option].__name__]}"
            ) from None
    missing = [option for option in REQUIRED.get(name, ()) if option not in options]
    if missing:
        raise ConsoleInputError(f"/{name} needs {', '.join(missing)}: {command_usage(name)}")
    return name, options
