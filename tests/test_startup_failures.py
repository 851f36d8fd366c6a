"""`python -m bot` refusing a storage file or a config it cannot use: one line, status 2.

Each case starts the bot the way production does, as a subprocess, in Discord mode (with a
token; it fails before connecting) and with `--console`, and checks: exit status 2, exactly
one line on stderr, `gd-tutor: <file>: …`, no traceback, and the file and its folder exactly
as they were (sha256 of every file, no -wal or -shm left beside it). The storage file is
checked before torch loads, so each start takes a fraction of a second.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.storage import MIGRATIONS
from bot.storage.sqlite import SqliteRunStore
from solver import Settings, solve

ROOT = Path(__file__).resolve().parents[1]
ARGS = {"discord": [], "console": ["--console"], "healthcheck": ["--healthcheck"]}
MODES = ("discord", "console")  # the two that open the storage file


@dataclass(frozen=True)
class Started:
    status: int
    stderr: str
    stdout: str


def start_bot(
    workdir: Path,
    config: Path,
    mode: str,
    *,
    read_only: Path | None = None,
    home: Path | None = None,
) -> Started:
    """`python -m bot --config …` in `workdir`, as production starts it; stdin is empty.

    With `read_only`, that folder is a read-only mount for the bot (as under Docker's
    --read-only). Root ignores file modes, so a chmod would prove nothing when tests run as
    root; a read-only mount holds for every user.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT), DISCORD_TOKEN="not-a-real-token")
    env["HOME"] = str(home or workdir)
    command = [sys.executable, "-m", "bot", "--config", str(config), *ARGS[mode]]
    if read_only is not None:
        mount = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"'
        command = ["unshare", "--mount", "--map-root-user", "sh", "-c", mount, "sh", str(read_only)]
        command += [sys.executable, "-m", "bot", "--config", str(config), *ARGS[mode]]
    done = subprocess.run(
        command,
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return Started(done.returncode, done.stderr, done.stdout)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (names relative) with the sha256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


def write_config(workdir: Path, storage: Path | str) -> Path:
    config = workdir / "config.toml"
    config.write_text(
        f'[storage]\npath = "{storage}"\n[health]\nheartbeat_path = "{workdir / "beat"}"\n'
    )
    return config


def gd_tutor_database(path: Path, runs: int = 3) -> None:
    """A real database as the bot leaves it, with a few runs, checkpointed into one file."""
    store = SqliteRunStore(path, 50)
    run = solve(Settings(steps=300))
    for user in range(runs):
        store.save(run, user_id=user, guild_id=None, channel_id=1, locale="en-US")
    store.close()
    assert not Path(f"{path}-wal").exists()


def folder_as_path(workdir: Path) -> Path:
    path = workdir / "runs.sqlite3"
    path.mkdir()
    return path


def file_as_parent(workdir: Path) -> Path:
    (workdir / "data").write_text("not a folder\n")
    return workdir / "data" / "runs.sqlite3"


def random_bytes(workdir: Path) -> Path:
    path = workdir / "runs.sqlite3"
    path.write_bytes(random.Random(11).randbytes(16384))
    return path


def truncated(workdir: Path) -> Path:
    path = workdir / "runs.sqlite3"
    gd_tutor_database(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def truncated_inside_the_last_page(workdir: Path) -> Path:
    path = workdir / "runs.sqlite3"
    gd_tutor_database(path)
    data = path.read_bytes()
    path.write_bytes(data[:-100])
    return path


def foreign_runs_table(workdir: Path) -> Path:
    path = workdir / "runs.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, athlete TEXT, km REAL)")
        db.execute("INSERT INTO runs (athlete, km) VALUES ('ann', 5.2)")
    db.close()
    return path


def foreign_runs_table_at_our_version(workdir: Path) -> Path:
    path = foreign_runs_table(workdir)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    db.close()
    return path


def newer_schema(workdir: Path) -> Path:
    path = workdir / "runs.sqlite3"
    gd_tutor_database(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "folder_as_path": (folder_as_path, "is a folder, not a database file"),
    "file_as_parent": (file_as_parent, "{workdir}/data is a file, not a folder"),
    "random_bytes": (random_bytes, "is not an SQLite database"),
    "truncated": (truncated, "is truncated"),
    "truncated_inside_the_last_page": (truncated_inside_the_last_page, "is truncated"),
    "foreign_runs_table": (foreign_runs_table, "holds tables that are not gd-tutor's"),
    "foreign_runs_table_at_our_version": (
        foreign_runs_table_at_our_version,
        "holds tables that are not gd-tutor's",
    ),
    "newer_schema": (newer_schema, f"has schema v{len(MIGRATIONS) + 1}, newer than"),
}


def assert_refused(started: Started, path: Path | str, what: str) -> None:
    assert started.status == 2, started.stderr
    assert "Traceback" not in started.stderr + started.stdout
    lines = started.stderr.splitlines()
    assert len(lines) == 1, started.stderr
    assert lines[0].startswith(f"gd-tutor: {path}: {what}"), lines[0]
    assert " — " in lines[0]  # and what to do


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES)
def test_unusable_storage_file_is_one_line_exit_2_and_left_byte_for_byte(
    workdir: Path, case: str, mode: str
) -> None:
    make, what = CASES[case]
    path = make(workdir)
    config = write_config(workdir, path)
    before = snapshot(workdir)
    started = start_bot(workdir, config, mode)
    assert_refused(started, path, what.format(workdir=workdir))
    assert snapshot(workdir) == before


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("/sys/gd-tutor/runs.sqlite3", "cannot create its folder"),
        ("/sys/gd-tutor.sqlite3", "cannot be created"),
    ],
)
def test_storage_under_sys_is_one_line_exit_2(
    workdir: Path, path: str, what: str, mode: str
) -> None:
    started = start_bot(workdir, write_config(workdir, path), mode)
    assert_refused(started, path, what)
    assert not Path(path).exists()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("mounted", ["file", "folder"])
def test_database_on_a_read_only_mount_is_one_line_exit_2_and_left_byte_for_byte(
    workdir: Path, mounted: str, mode: str
) -> None:
    folder = workdir / "data"
    folder.mkdir()
    path = folder / "runs.sqlite3"
    gd_tutor_database(path)
    before = snapshot(folder)
    read_only = path if mounted == "file" else folder
    started = start_bot(workdir, write_config(workdir, path), mode, read_only=read_only)
    what = "is on" if mounted == "file" else f"its folder {folder} is on"
    assert_refused(started, path, f"{what} a read-only file system")
    assert snapshot(folder) == before


@pytest.mark.parametrize("mode", MODES)
def test_new_database_in_a_read_only_folder_is_one_line_exit_2(workdir: Path, mode: str) -> None:
    folder = workdir / "data"
    folder.mkdir()
    path = folder / "runs.sqlite3"
    started = start_bot(workdir, write_config(workdir, path), mode, read_only=folder)
    assert_refused(started, path, f"its folder {folder} is on a read-only file system")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("path", "what"),
    [("/sys/gd-tutor/heartbeat", "cannot create its folder"), ("{workdir}", "is a folder")],
)
def test_unwritable_heartbeat_in_discord_mode_is_one_line_exit_2(
    workdir: Path, path: str, what: str
) -> None:
    path = path.format(workdir=workdir)
    config = workdir / "config.toml"
    config.write_text(
        f'[storage]\npath = "{workdir / "runs.sqlite3"}"\n[health]\nheartbeat_path = "{path}"\n'
    )
    started = start_bot(workdir, config, "discord")
    assert_refused(started, path, what)


def test_a_good_database_is_opened_and_kept(workdir: Path) -> None:
    """The checks pass a real database: the console starts on it and keeps its runs."""
    path = workdir / "runs.sqlite3"
    gd_tutor_database(path, runs=2)
    started = start_bot(workdir, write_config(workdir, path), "console")
    assert started.status == 0, started.stderr
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone() == (2,)
    db.close()


# --- config values refused at load -------------------------------------------------------------

BAD_CONFIGS = {
    "keep_runs_per_user_of_twenty_digits": (
        b"[storage]\nkeep_runs_per_user = 99999999999999999999\n",
        "'storage.keep_runs_per_user' must be between 1 and 100000, got 99999999999999999999",
    ),
    "max_seconds_too_short_for_one_step": (
        b"[solver]\nmax_seconds = 1e-300\n",
        "'solver.max_seconds' must be between 0.1 and 600, got 1e-300",
    ),
    "non_utf8_file": (
        b"# r\xe9glages\n[limits]\nqueue = 3\n",
        "is not UTF-8 text (byte 0xe9 at offset 3) — save it as UTF-8",
    ),
}


@pytest.mark.parametrize("mode", ARGS)
@pytest.mark.parametrize("case", BAD_CONFIGS)
def test_bad_config_is_one_line_exit_2(workdir: Path, case: str, mode: str) -> None:
    text, message = BAD_CONFIGS[case]
    config = workdir / "config.toml"
    config.write_bytes(text)
    started = start_bot(workdir, config, mode)
    assert started.status == 2
    assert started.stderr == f"gd-tutor: {config}: {message}\n"


def test_tilde_in_storage_path_is_the_home_folder(workdir: Path) -> None:
    home = workdir / "home"
    home.mkdir()
    config = write_config(workdir, "~/gd/runs.sqlite3")
    started = start_bot(workdir, config, "console", home=home)
    assert started.status == 0, started.stderr
    assert (home / "gd" / "runs.sqlite3").is_file()
    assert not (workdir / "~").exists()
