"""`python -m bot --console`: the same command handlers in a terminal, like Hubot's shell adapter.

One local user in one channel; type `/solve x0:1 lr:0.01`, `/explain iteration:1`,
`/compare lrs:0.01 0.1`, `/help`. Images are saved under a folder whose path is printed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from solver.words import t

from .config import Config
from .reply import Reply
from .runtime import build_tutor, close_tutor
from .tutor.caller import Caller
from .tutor.errors import UserError
from .tutor.tutor import Tutor

log = logging.getLogger(__name__)
CONSOLE_USER = Caller(user_id=1, channel_id=1, guild_id=None, locale="en-US")
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
USAGE = t(CONSOLE_USER.lang, "console.usage", commands=", ".join(f"/{name}" for name in OPTIONS))
PROMPT = "gd-tutor> "
_MARK = re.compile(r"(?<!\\)(\*\*|`)")  # bold and code marks, unless escaped
_ESCAPED = re.compile(r"\\([^\w\s])")


class ConsoleInputError(ValueError):
    """A line the console cannot turn into a command."""


def plain(text: str) -> str:
    """Discord markdown as terminal text: no code fences, bold or code marks, no escapes."""
    lines = [line for line in text.split("\n") if not line.lstrip().startswith("```")]
    return _ESCAPED.sub(r"\1", _MARK.sub("", "\n".join(lines)))


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
        takes = ", ".join(known) or t(CONSOLE_USER.lang, "console.no_options")
        raise ConsoleInputError(
            t(CONSOLE_USER.lang, "console.not_options", name=name, options=takes)
        )
    options: dict[str, object] = {}
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(rest)
        raw = rest[m.end() : end].strip()
        try:
            options[m.group(1)] = known[m.group(1)](raw)
        except ValueError:
            kind = known[m.group(1)].__name__
            raise ConsoleInputError(
                t(CONSOLE_USER.lang, "console.bad_value", key=m.group(1), raw=repr(raw), kind=kind)
            ) from None
    return name, options


class Console:
    """Runs console lines through the Tutor and prints replies; saves images to `images`."""

    def __init__(self, tutor: Tutor, out: TextIO, images: Path) -> None:
        """Print to `out`; write each reply's image under `images`."""
        self.tutor = tutor
        self.out = out
        self.images = images

    async def handle(self, line: str) -> None:
        """Run one line and print its reply (or the refusal)."""
        try:
            name, options = parse_line(line)
            reply = await self._dispatch(name, options)
        except ConsoleInputError as error:
            self._say(str(error))
        except UserError as error:
            self._say(plain(error.text(CONSOLE_USER.lang)))
        except Exception:  # a bug in one command must not end the session
            log.exception("a console command failed")
            self._say(t(CONSOLE_USER.lang, "bot.internal_error"))
        else:
            self._print(reply)

    def _say(self, text: str) -> None:
        print(text, file=self.out)
        print(file=self.out, flush=True)

    async def _dispatch(self, name: str, options: dict[str, object]) -> Reply:
        if name == "solve":
            return await self.tutor.run_solve(self.tutor.admit_solve(CONSOLE_USER, **options))  # type: ignore[arg-type]
        if name == "explain":
            if "iteration" not in options:
                raise ConsoleInputError(t(CONSOLE_USER.lang, "console.explain_needs_iteration"))
            run = options.get("run")
            iteration = options["iteration"]
            assert isinstance(iteration, int) and (run is None or isinstance(run, int))
            return await self.tutor.explain(CONSOLE_USER, iteration, run)
        if name == "compare":
            if "lrs" not in options:
                raise ConsoleInputError(t(CONSOLE_USER.lang, "console.compare_needs_lrs"))
            return await self.tutor.run_compare(self.tutor.admit_compare(CONSOLE_USER, **options))  # type: ignore[arg-type]
        return self.tutor.help(CONSOLE_USER.lang)

    def _print(self, reply: Reply) -> None:
        print(plain(reply.as_text()), file=self.out)
        for attachment in ([reply.image] if reply.image else []) + reply.files:
            self.images.mkdir(parents=True, exist_ok=True)
            path = self.images / attachment.filename
            path.write_bytes(attachment.data)
            print(f"[saved {path}]", file=self.out)
        print(file=self.out, flush=True)


async def _serve(console: Console, stdin: TextIO, interactive: bool) -> None:
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def read() -> None:
        # A daemon thread, not the loop's executor: asyncio.run waits for its executor at the
        # end, so a read blocked on the terminal would hang Ctrl-C and /quit until Enter.
        while True:
            try:
                line = stdin.readline()
            except Exception:
                log.exception("cannot read the console's input")
                line = ""
            try:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            except RuntimeError:  # the loop is closed: the console has ended
                return
            if not line:
                return

    threading.Thread(target=read, name="console-input", daemon=True).start()
    while True:
        if interactive:
            print(PROMPT, end="", file=console.out, flush=True)
        line = await lines.get()
        if not interactive and line.strip():
            # Piped input is not echoed by a terminal: show each command above its reply.
            print(PROMPT + line.strip(), file=console.out)
        if not line or line.strip() in ("/quit", "/exit"):
            return
        if line.strip():
            await console.handle(line)


def run_console(config: Config, stdin: TextIO, stdout: TextIO) -> int:
    """Serve console lines until end of input or /quit (0), or Ctrl-C (130)."""
    # One person at a terminal: a cooldown would only trip up pasted or piped commands.
    config = dataclasses.replace(
        config, limits=dataclasses.replace(config.limits, cooldown_seconds=0.0)
    )
    for stream in (stdin, stdout):
        if isinstance(stream, io.TextIOWrapper):
            # Stray bytes in the input, or a terminal that cannot show x², must not end it.
            stream.reconfigure(errors="replace")
    tutor = build_tutor(config)
    images = config.storage.path.parent / "images"
    banner = t(CONSOLE_USER.lang, "console.banner", usage=USAGE, images=images)
    print(banner, file=stdout, flush=True)
    try:
        asyncio.run(_serve(Console(tutor, stdout, images), stdin, stdin.isatty()))
    except KeyboardInterrupt:
        print(file=stdout, flush=True)
        return 130
    finally:
        close_tutor(tutor)
    return 0
