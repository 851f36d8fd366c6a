"""Run the production bot (`python -m bot` via tests/run_bot_against_standin.py) as a subprocess."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .server import StandIn

LAUNCHER = Path(__file__).resolve().parent.parent / "run_bot_against_standin.py"


@dataclass
class BotProcess:
    """The running bot and the file its stdout and stderr go to."""

    process: asyncio.subprocess.Process
    log_path: Path

    def log(self) -> str:
        """Everything the bot printed so far."""
        return self.log_path.read_text(errors="replace")


@contextlib.asynccontextmanager
async def running_bot(
    standin: StandIn,
    *bot_args: str,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    ready_timeout: float = 60.0,
    log_path: Path | None = None,
) -> AsyncIterator[BotProcess]:
    """Start the bot against `standin` with DISCORD_TOKEN set; wait for its IDENTIFY; stop it on exit.

    Keep the test's event loop free while the bot runs (no time.sleep, no subprocess.run): the
    stand-in answers the bot from that loop. Raises with the bot's output if it exits early.
    """
    if log_path is None:
        handle, name = tempfile.mkstemp(prefix="gd-tutor-bot-", suffix=".log")
        os.close(handle)
        log_path = Path(name)
    identified = standin.gateway.identifies
    command = [
        sys.executable,
        str(LAUNCHER),
        "--rest",
        standin.rest_base,
        "--gateway",
        standin.gateway_url,
    ]
    environment = {**os.environ, "DISCORD_TOKEN": standin.token, **(env or {})}
    with log_path.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            *command,
            *bot_args,
            env=environment,
            cwd=cwd,
            stdout=sink,
            stderr=asyncio.subprocess.STDOUT,
        )
    bot = BotProcess(process, log_path)
    try:
        exited = asyncio.create_task(process.wait())
        ready = asyncio.create_task(
            standin.signal.wait_for(
                lambda: standin.gateway.identifies > identified,
                ready_timeout,
                "the bot to IDENTIFY",
            )
        )
        await asyncio.wait({exited, ready}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if not ready.done() or ready.exception() is not None:
            ready.cancel()
            state = (
                f"exited with status {process.returncode}"
                if process.returncode is not None
                else f"did not IDENTIFY within {ready_timeout} s"
            )
            raise RuntimeError(f"stand-in: the bot {state}:\n{bot.log()}")
        yield bot
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
