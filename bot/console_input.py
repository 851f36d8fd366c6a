"""What the console reads: its commands and their options, a line parsed into them, and the
usage that `python -m bot --help` shows. No torch or discord here, so --help stays instant."""

from __future__ import annotations

import re
from collections.abc import Callable

# The Discord locale the console user's client would report, per --lang.
LOCALES = {"en": "en-US", "ja": "ja"}
OPTIONS: dict[str, dict[str, Callable[[str], object]]] = {
    "solve": {
        "x0": float,
        "lr": float,
        "steps": int,
        "equation": str,
        "optimizer": str,
        "precision": str,
    },
    "explain": {"iteration": int, "run": int},
    "compare": {"lrs": str, "x0": float, "steps": int, "equation": str},
    "help": {},
}
REQUIRED = {"explain": ("iteration",), "compare": ("lrs",)}
_TYPE_NAMES = {"float": "number", "int": "integer", "str": "text"}
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
    ]
    return "\n".join(lines)


def parse_line(line: str) -> tuple[str, dict[str, object]]:
    """`/solve x0:1 equation:x^2 = 2` -> ("solve", {"x0": 1.0, "equation": "x^2 = 2"})."""
    match = re.fullmatch(r"/(\w+)\s*(.*)", line.strip(), flags=re.DOTALL)
    if not match or match.group(1) not in OPTIONS:
        raise ConsoleInputError(USAGE)
    name, rest = match.groups()
    known = OPTIONS[name]
    # A value runs until the next "option:" of this command, so equations may hold spaces.
    marker = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, known)) + r"):") if known else None
    found = list(marker.finditer(rest)) if marker else []
    if rest.strip() and (not found or rest[: found[0].start()].strip()):
        raise ConsoleInputError(
            f"options look like name:value; /{name} takes {', '.join(known) or 'none'}"
        )
    options: dict[str, object] = {}
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(rest)
        raw = rest[m.end() : end].strip()
        try:
            options[m.group(1)] = known[m.group(1)](raw)
        except ValueError:
            raise ConsoleInputError(
                f"{m.group(1)}: {raw!r} is not a valid {known[m.group(1)].__name__}"
            ) from None
    missing = [option for option in REQUIRED.get(name, ()) if option not in options]
    if missing:
        raise ConsoleInputError(f"/{name} needs {', '.join(missing)}: {command_usage(name)}")
    return name, options
