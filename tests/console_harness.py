"""The console as a user starts it: `python -m bot --console` in a subprocess (`console_process`)
with its storage under a test folder, and its output split into (command, reply) pairs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot_harness import ROOT


def config_file(tmp_path: Path) -> Path:
    """Storage and heartbeat under tmp_path; a long cooldown the console must ignore."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\npath = "{tmp_path / "data" / "runs.sqlite3"}"\n'
        f'[health]\nheartbeat_path = "{tmp_path / "heartbeat"}"\n'
        "[limits]\ncooldown_seconds = 600\n"
    )
    return path


def console_process(tmp_path: Path, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "bot", "--console", "--config", str(config_file(tmp_path))]
    command += args
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("DISCORD_TOKEN", None)  # the console needs none
    return subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **kwargs,  # type: ignore[call-overload]
    )


def replies(out: str) -> list[tuple[str, str]]:
    """(command, reply) pairs: piped commands are echoed after the prompt above their replies."""
    pairs = []
    for block in re.split(r"^gd-tutor> ", out, flags=re.MULTILINE)[1:]:
        command, _, reply = block.partition("\n")
        pairs.append((command, reply))
    return pairs
