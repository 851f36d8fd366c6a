"""`python -m bot --console`: the same command handlers in a terminal, like Hubot's shell adapter.

One local user in one channel; type `/solve x0:1 lr:0.01`, `/explain iteration:1`,
`/compare lrs:0.01 0.1`, `/race x0:1 lr:0.01`, `/quiz level:3` (the next line is the answer),
`/animate`, `/help`. Images (and /animate's GIF) are saved under a folder whose path is printed.
With `--lang ja` the user is a Japanese Discord client: replies and pictures are Japanese.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
import threading
import time
from pathlib import Path
from typing import TextIO

from solver.words import t

from .config import Config
from .console_input import LOCALES, USAGE, ConsoleInputError, parse_line
from .reply import Reply
from .runtime import build_tutor, close_tutor
from .text import for_terminal
from .tutor.caller import Caller
from .tutor.errors import UserError, failure_key
from .tutor.quiz_ids import QuizId, decode_quiz
from .tutor.staged import Staged
from .tutor.tutor import Tutor

log = logging.getLogger(__name__)


def console_user(lang: str = "en") -> Caller:
    """The one console user, in the one channel, with a Discord client in `lang`."""
    return Caller(user_id=1, channel_id=1, guild_id=None, locale=LOCALES[lang])


CONSOLE_USER = console_user()
CONSOLE_NAME = "console"  # the console user's display name on the quiz board
PROMPT = "gd-tutor> "


def plain(text: str) -> str:
    """A reply's text for the terminal: no code fences, bold or code marks; user text as typed."""
    return for_terminal(text)


class Console:
    """Runs console lines through the Tutor and prints replies; saves images to `images`."""

    def __init__(
        self, tutor: Tutor, out: TextIO, images: Path, caller: Caller = CONSOLE_USER
    ) -> None:
        """Print to `out`; write each reply's image under `images`; ask as `caller`."""
        self.tutor = tutor
        self.out = out
        self.images = images
        self.caller = caller
        self.quiz: list[QuizId] = []  # the open question's buttons: the next line answers it

    async def handle(self, line: str) -> None:
        """Run one line and print its reply (or the refusal); after /quiz, the line answers."""
        try:
            if self.quiz:
                await self._answer(self.quiz, line.strip())
                return
            name, options = parse_line(line)
            reply = await self._dispatch(name, options)
            if isinstance(reply, Staged):  # the numbers first, then the picture's path
                self._print(reply.numbers, end=False)
                reply = await reply.final()
                self._print_files(reply)
            else:
                self._print(reply)
        except ConsoleInputError as error:
            self._say(str(error))
        except UserError as error:
            self._say(plain(error.text(self.caller.lang)))
        except Exception as error:  # a bug in one command must not end the session
            log.exception("a console command failed")
            self._say(t(self.caller.lang, failure_key(error, computing=False)))

    def _say(self, text: str) -> None:
        print(text, file=self.out)
        print(file=self.out, flush=True)

    async def _dispatch(self, name: str, options: dict[str, object]) -> Reply | Staged:
        if name == "solve":
            job = self.tutor.admit_solve(self.caller, **options)  # type: ignore[arg-type]
            try:
                return await self.tutor.solve_numbers(job)
            finally:
                job.release()
        if name == "explain":
            run = options.get("run")
            iteration = options["iteration"]
            assert isinstance(iteration, int) and (run is None or isinstance(run, int))
            return await self.tutor.explain(self.caller, iteration, run)
        if name == "compare":
            return await self.tutor.compare_numbers(
                self.tutor.admit_compare(self.caller, **options)  # type: ignore[arg-type]
            )
        if name == "quiz":
            return await self._ask(options)
        if name == "race":
            return await self.tutor.race_numbers(
                self.tutor.admit_race(self.caller, **options)  # type: ignore[arg-type]
            )
        if name == "animate":
            run = options.get("run")
            assert run is None or isinstance(run, int)
            return await self.tutor.animate(self.caller, run)
        return self.tutor.help(self.caller.lang)

    async def _ask(self, options: dict[str, object]) -> Reply:
        if options.get("stats"):
            return await self.tutor.quiz_stats(self.caller)
        level = options.get("level", 1)
        assert isinstance(level, int)
        if not 1 <= level <= 4:
            raise ConsoleInputError("level must be 1, 2, 3 or 4")
        reply = await self.tutor.ask_quiz(self.caller, level, time.time_ns())
        ids = [decode_quiz(b.custom_id) for row in reply.buttons for b in row]
        self.quiz = [quiz for quiz in ids if quiz is not None]
        lang, labels = self.caller.lang, [b.label for row in reply.buttons for b in row]
        if self.quiz and self.quiz[0].kind == "open":
            how = t(lang, "quiz.console_typed")
        else:
            choices = [
                t(lang, "quiz.console_choice", n=n, label=label)
                for n, label in enumerate(labels, 1)
            ]
            how = "\n".join([t(lang, "quiz.console_choices"), *choices])
        reply.description = reply.description.rsplit("\n\n", 1)[0] + "\n\n" + how
        reply.buttons = []
        return reply

    async def _answer(self, quiz: list[QuizId], line: str) -> None:
        """The line after /quiz: a number for levels 2–3, a choice's number for 1 and 4."""
        self.quiz = []
        if quiz[0].kind == "open":
            asked, answer = quiz[0].as_kind("modal"), line
        else:
            chosen = int(line) - 1 if line.isdigit() and 1 <= int(line) <= len(quiz) else None
            asked, answer = (quiz[chosen], "") if chosen is not None else (quiz[0], line)
            if chosen is None:  # no such choice: the tutor refuses it in the user's language
                asked = QuizId("pick", asked.level, asked.run_id, asked.question_id, "none")
        try:
            reply = await self.tutor.answer_quiz(self.caller, asked, answer, CONSOLE_NAME)
        except UserError as refusal:
            if refusal.key.startswith("quiz.answer_"):  # not an answer: the question stays open
                self.quiz = quiz
            raise
        self._print(reply)

    def _print(self, reply: Reply, end: bool = True) -> None:
        print(plain(reply.as_text()), file=self.out, flush=not end)
        if end:
            self._print_files(reply)

    def _print_files(self, reply: Reply) -> None:
        if reply.note:  # the picture could not be drawn
            print(plain(reply.note), file=self.out)
        for attachment in ([reply.image] if reply.image else []) + reply.files:
            path = self.images / attachment.filename
            try:
                self.images.mkdir(parents=True, exist_ok=True)
                path.write_bytes(attachment.data)
            except OSError as error:  # a full disk or a file named like the folder: say so
                reason = error.strerror or type(error).__name__
                print(
                    t(self.caller.lang, "console.image_not_saved", path=path, reason=reason),
                    file=self.out,
                )
            else:
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


def run_console(config: Config, stdin: TextIO, stdout: TextIO, lang: str = "en") -> int:
    """Serve console lines in `lang` ("en" or "ja") until end of input or /quit (0), or Ctrl-C (130)."""
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
        console = Console(tutor, stdout, images, console_user(lang))
        asyncio.run(_serve(console, stdin, stdin.isatty()))
    except KeyboardInterrupt:
        print(file=stdout, flush=True)
        return 130
    finally:
        close_tutor(tutor)
    return 0
