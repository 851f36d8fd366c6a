"""Start the production bot against the Discord stand-in: in-process through `run_discord`
(the function `python -m bot` runs) or as a `python -m bot` subprocess via the launcher."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from discord_standin import InteractionHandle, Message, StandIn, point_discord_at
from PIL import Image

from bot.config import load_config
from bot.runtime import run_discord
from solver.words import languages, t

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("solve", "explain", "compare", "race", "quiz", "help")


def write_config(directory: Path, standin: StandIn, **sections: dict[str, Any]) -> Path:
    """A config.toml syncing to the stand-in's guild, with storage under `directory`."""
    values: dict[str, dict[str, Any]] = {
        "discord": {"dev_guild_id": int(standin.guild_id)},
        "limits": {"cooldown_seconds": 0},
        "storage": {"path": str(directory / "runs.sqlite3")},
        "health": {"heartbeat_path": str(directory / "heartbeat")},
    }
    for name, keys in sections.items():
        values.setdefault(name, {}).update(keys)
    lines = []
    for name, keys in values.items():
        lines.append(f"[{name}]")
        for key, value in keys.items():
            literal = (
                f'"{value}"'
                if isinstance(value, str)
                else str(value).lower()
                if isinstance(value, bool)
                else value
            )
            lines.append(f"{key} = {literal}")
    path = directory / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@contextlib.asynccontextmanager
async def bot_in_process(standin: StandIn, config_path: Path) -> AsyncIterator[asyncio.Task[None]]:
    """Run `run_discord(config, token)` as a task until the block ends (then cancel it)."""
    with point_discord_at(standin):
        task = await start_bot(standin, config_path)
        try:
            yield task
        finally:
            await stop_bot(task)


async def start_bot(standin: StandIn, config_path: Path) -> asyncio.Task[None]:
    """`run_discord(config, token)` as a task, once it is started; discord.py must point at
    `standin` (point_discord_at) for as long as the task runs."""
    task = asyncio.create_task(run_discord(load_config(config_path), standin.token))
    await wait_started(standin, task)
    return task


async def stop_bot(task: asyncio.Task[None]) -> None:
    """Cancel a bot task from `start_bot` and wait until it has closed."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 30)


async def wait_started(
    standin: StandIn, task: asyncio.Future[Any] | None = None, timeout: float = 60
) -> None:
    """Wait until a new client identified, synced the commands and got every GUILD_CREATE."""
    identifies, syncs = standin.gateway.identifies, len(standin.syncs)

    def started() -> bool:
        session = standin.gateway.current
        return (
            standin.gateway.identifies > identifies
            and len(standin.syncs) > syncs
            and session is not None
            and session.seq >= 1 + session.guilds
        )

    waiting = asyncio.ensure_future(standin.signal.wait_for(started, timeout, "the bot to start"))
    watched = {waiting} | ({task} if task is not None else set())
    await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
    if task is not None and task.done():
        waiting.cancel()
        task.result()
        raise RuntimeError("the bot stopped while starting")
    waiting.result()
    await standin.wait_commands(*COMMANDS)


PICTURE_PENDING = {t(lang, "solve.picture_pending") for lang in languages()}


async def wait_answer(handle: InteractionHandle, timeout: float = 60) -> Message:
    """The bot's answer: the settled message once it has an embed or a file and no longer
    waits for its picture; not a progress line, not the numbers alone."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        message = await handle.wait_final(timeout=max(1.0, deadline - loop.time()))
        if (message.embeds or message.attachments) and message.content not in PICTURE_PENDING:
            return message
        if loop.time() > deadline:
            raise TimeoutError(f"no answer with an embed; last: {message.content!r}")
        await asyncio.sleep(0.1)


def launcher_command(standin: StandIn, config_path: Path) -> list[str]:
    """`python -m bot --config …` through the launcher that points discord.py at the stand-in."""
    launcher = ROOT / "tests" / "run_bot_against_standin.py"
    return [
        sys.executable,
        str(launcher),
        "--rest",
        standin.rest_base,
        "--gateway",
        standin.gateway_url,
        "--config",
        str(config_path),
    ]


@contextlib.contextmanager
def bot_subprocess(
    standin: StandIn, config_path: Path, log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m bot --config …` as a child process pointed at the stand-in; SIGTERM at the end."""
    env = dict(os.environ, DISCORD_TOKEN=standin.token, PYTHONPATH=str(ROOT))
    command = launcher_command(standin, config_path)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=config_path.parent
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def embed_text(message: Message) -> str:
    """Everything a user reads in a message: content, titles, fields, footers."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(parts)


def run_id_of(message: Message) -> int:
    """The run number a reply shows ("run #7" in its footer)."""
    match = re.search(r"#(\d+)", embed_text(message))
    assert match, embed_text(message)
    return int(match.group(1))


def button(message: Message, label: str) -> dict[str, Any]:
    """The button with this label on `message`; AssertionError naming the labels if none."""
    found = [b for b in message.buttons() if b.get("label") == label]
    assert found, f"no button {label!r} on the message; it has {button_labels(message)}"
    return found[0]


def button_labels(message: Message) -> list[str]:
    """The labels of a message's buttons, in order."""
    return [b.get("label", "") for b in message.buttons()]


def png_size(data: bytes) -> tuple[int, int]:
    """Decode PNG bytes (raises if they are not a PNG) and return width, height."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size


def mentions_disabled_everywhere(standin: StandIn) -> None:
    """Every message the bot created or edited was sent with allowed_mentions parse []."""
    requests = standin.message_requests()
    assert requests, "the bot sent no messages"
    for record in requests:
        payload = record.message_payload or {}
        allowed = payload.get("allowed_mentions")
        assert allowed is not None and allowed.get("parse") == [], (
            record.method,
            record.path,
            allowed,
        )
