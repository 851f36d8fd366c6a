"""`python -m bot.worker`: refuses a config without a queue in one line, and never loads the
gateway's client (a worker answers through webhooks only)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def worker(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "bot.worker", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_a_worker_without_a_queue_url_stops_with_one_line(tmp_path: Path) -> None:
    done = worker(cwd=tmp_path)  # no config.toml here: the defaults, with no queue
    assert done.returncode == 2
    assert done.stderr.startswith("gd-tutor worker: [queue] url is empty;")
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_bad_queue_url_is_refused_without_its_password(tmp_path: Path) -> None:
    config = tmp_path / "w.toml"
    config.write_text('[queue]\nurl = "http://u:hunter2@cache:6379/0"\n')
    done = worker("--config", str(config), cwd=tmp_path)
    assert done.returncode == 2 and "hunter2" not in done.stderr
    assert "'queue.url' = 'http://u:***@cache:6379/0' must start with redis://" in done.stderr


def test_the_worker_never_imports_the_gateway_client(tmp_path: Path) -> None:
    probe = (
        "import sys, bot.worker.__main__, bot.worker.serve;"
        "print(sorted(m for m in sys.modules if m.startswith('bot.discord_app')))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = "['bot.discord_app', 'bot.discord_app.progress', 'bot.discord_app.to_discord']"
    assert done.stdout.strip() == loaded
