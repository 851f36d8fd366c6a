"""Settings from a TOML file, checked key by key; secrets come from the environment instead."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .queue.url import queue_url_problem
from .storage.url import redacted, url_problem

DEFAULT_FILE = "config.toml"


class ConfigError(Exception):
    """The configuration file is missing, unreadable or has a bad key; the message names it."""


@dataclass(frozen=True)
class DiscordConfig:
    """Where slash commands are synced at start-up, and which gateway shards this process runs."""

    dev_guild_id: int = 0
    sync_global: bool = False
    shard_count: int = 0  # 0: discord.py asks Discord (GET /gateway/bot)
    shard_ids: tuple[int, ...] = ()  # empty: every shard of shard_count


@dataclass(frozen=True)
class SolverConfig:
    """Limits on one gradient-descent run."""

    max_steps: int = 10000
    max_seconds: float = 10.0


@dataclass(frozen=True)
class LimitsConfig:
    """How much work the bot accepts at once, and from one user."""

    workers: int = 2
    queue: int = 16
    cooldown_seconds: float = 2.0
    render_processes: int = 2


@dataclass(frozen=True)
class StorageConfig:
    """Where past runs are kept: PostgreSQL when `url` is set, else the SQLite file `path`.

    The byte budgets count each run's packed size plus its row (bot.storage.rows.stored_bytes);
    past them the oldest runs are pruned in the background. `keep_days` 0 keeps runs forever.
    """

    path: Path = Path("data/gd-tutor.sqlite3")
    keep_runs_per_user: int = 50
    url: str = ""
    max_bytes: int = 1024**3
    keep_bytes_per_user: int = 5 * 1024**2
    keep_days: float = 0.0


@dataclass(frozen=True)
class QueueConfig:
    """The job queue: Redis at `url` for /solve, /compare and re-runs; empty, the local pools."""

    url: str = ""
    # A job a worker took and has not acknowledged for this long (the worker died) goes to
    # another worker. Live workers renew their jobs well within it, however long they run.
    redelivery_seconds: float = 30.0


@dataclass(frozen=True)
class HealthConfig:
    """The heartbeat file the bot touches and `--healthcheck` reads."""

    heartbeat_path: Path = Path("data/heartbeat")
    max_age_seconds: int = 90


@dataclass(frozen=True)
class MetricsConfig:
    """Prometheus metrics over HTTP; port 0 serves none."""

    port: int = 0
    address: str = "127.0.0.1"


@dataclass(frozen=True)
class LoggingConfig:
    """How log lines are written to stderr: "text" for people, "json" (one object a line)."""

    format: str = "text"


@dataclass(frozen=True)
class Config:
    """The whole configuration: one section per table of the TOML file."""

    discord: DiscordConfig = DiscordConfig()
    solver: SolverConfig = SolverConfig()
    limits: LimitsConfig = LimitsConfig()
    storage: StorageConfig = StorageConfig()
    queue: QueueConfig = QueueConfig()
    health: HealthConfig = HealthConfig()
    metrics: MetricsConfig = MetricsConfig()
    logging: LoggingConfig = LoggingConfig()


# solver.MAX_STEPS, the solver's own bound (a test keeps them equal). Importing solver here would
# import torch into every `--healthcheck`: 3.6 s instead of 0.1 s.
SOLVER_MAX_STEPS = 100_000
# Discord asks for a shard per 2,500 guilds at most; 65,536 shards serve 160 million guilds.
MAX_SHARDS = 65_536

# Allowed values, both ends included: past them a setting cannot work (a run that times out
# before its first step, a LIMIT SQLite cannot hold) or only exhausts the machine.
RANGES: dict[str, tuple[float, float]] = {
    "discord.dev_guild_id": (0, 2**63 - 1),  # a snowflake; TOML and SQLite integers are 64-bit
    "solver.max_steps": (1, SOLVER_MAX_STEPS),
    "solver.max_seconds": (0.1, 600),
    "limits.workers": (1, 64),
    "limits.queue": (0, 10000),
    "limits.cooldown_seconds": (0, 3600),
    "limits.render_processes": (0, 16),
    "storage.keep_runs_per_user": (1, 100000),
    # At least one MiB: the largest run (100,000 steps, float64 Adam) packs to under a MiB.
    "storage.max_bytes": (2**20, 2**50),
    "storage.keep_bytes_per_user": (2**16, 2**50),
    "storage.keep_days": (0, 36500),
    "health.max_age_seconds": (1, 86400),
    "discord.shard_count": (0, MAX_SHARDS),
    "metrics.port": (0, 65535),
    "queue.redelivery_seconds": (1, 600),
}
# Settings that take one of a few words.
CHOICES: dict[str, tuple[str, ...]] = {"logging.format": ("text", "json")}

_EXPECTED = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}


def resolve_config_path(arg: str | None) -> Path | None:
    """The file to read: `arg` (must exist), else ./config.toml if present, else None (defaults)."""
    if arg is not None:
        path = Path(arg)
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        return path
    default = Path(DEFAULT_FILE)
    return default if default.is_file() else None


def load_config(path: Path | None) -> Config:
    """Read and check `path`; None gives the built-in defaults. Raises ConfigError."""
    if path is None:
        return Config()
    try:
        return _load(path)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


def _load(path: Path) -> Config:
    try:
        text = path.read_bytes().decode("utf-8")
        data = tomllib.loads(text)
    except OSError as e:
        raise ConfigError(f"cannot be read ({e.strerror or e})") from None
    except UnicodeDecodeError as e:
        raise ConfigError(
            f"is not UTF-8 text (byte 0x{e.object[e.start]:02x} at offset {e.start})"
            " — save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"is not valid TOML: {e}") from None

    sections: dict[str, Any] = {}
    known = {f.name: f for f in dataclasses.fields(Config)}
    for name, table in data.items():
        if name not in known:
            raise ConfigError(f"unknown section '{name}'")
        if not isinstance(table, dict):
            raise ConfigError(f"'{name}' must be a table ([{name}]), got {_toml_type(table)}")
        sections[name] = _section(known[name].default, name, table)
    config = Config(**sections)
    _check_shards(config.discord)
    return config


def _check_shards(discord: DiscordConfig) -> None:
    if discord.shard_ids and not discord.shard_count:
        raise ConfigError("'discord.shard_ids' needs 'discord.shard_count' (the total, 1 or more)")
    for shard_id in discord.shard_ids:
        if shard_id >= discord.shard_count:
            raise ConfigError(
                f"'discord.shard_ids' has {shard_id}, but shards are numbered"
                f" 0 to {discord.shard_count - 1} (discord.shard_count = {discord.shard_count})"
            )
    if len(set(discord.shard_ids)) != len(discord.shard_ids):
        raise ConfigError(f"'discord.shard_ids' = {list(discord.shard_ids)} repeats a shard")


def _section(default: Any, section: str, table: dict[str, Any]) -> Any:
    fields = {f.name for f in dataclasses.fields(default)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{section}.{key}"
        if key not in fields:
            raise ConfigError(f"unknown key '{name}'")
        values[key] = _value(name, value, type(getattr(default, key)))
    return dataclasses.replace(default, **values)


def _value(name: str, value: Any, kind: type[Any]) -> Any:
    if kind is tuple:
        return _shard_ids(name, value)
    if issubclass(kind, Path):
        kind = Path
    if not _type_ok(value, kind):
        expected = _EXPECTED[str if kind is Path else kind]
        raise ConfigError(f"'{name}' must be {expected}, got {_toml_type(value)}")
    if kind is Path and not value.strip():
        raise ConfigError(f"'{name}' must not be empty")
    if kind is float and not math.isfinite(value):
        raise ConfigError(f"'{name}' must be a finite number, got {value}")
    if name in RANGES:
        low, high = RANGES[name]
        if not low <= value <= high:
            raise ConfigError(f"'{name}' must be between {low} and {high}, got {value}")
    if name in CHOICES and value not in CHOICES[name]:
        words = " or ".join(repr(word) for word in CHOICES[name])
        raise ConfigError(f"'{name}' must be {words}, got {value!r}")
    if name == "storage.url" and value and (problem := url_problem(value)):
        raise ConfigError(f"'{name}' = {redacted(value)!r} {problem}")
    if name == "queue.url" and value and (problem := queue_url_problem(value)):
        raise ConfigError(f"'{name}' = {redacted(value)!r} {problem}")
    if kind is Path:
        return _home_expanded(name, value)
    return kind(value)


def _shard_ids(name: str, value: Any) -> tuple[int, ...]:
    # The only array setting: a list of shard ids, each checked like an integer key.
    if not isinstance(value, list):
        raise ConfigError(f"'{name}' must be an array of integers, got {_toml_type(value)}")
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int):
            raise ConfigError(f"'{name}' must hold integers, got {_toml_type(item)}")
        if not 0 <= item < MAX_SHARDS:
            raise ConfigError(f"'{name}' must hold ids from 0 to {MAX_SHARDS - 1}, got {item}")
    return tuple(value)


def _home_expanded(name: str, value: str) -> Path:
    try:
        return Path(value).expanduser()
    except RuntimeError as e:  # ~user with no such user, or no home directory
        raise ConfigError(f"'{name}' = {value!r}: {e}") from None


def _type_ok(value: Any, kind: type[Any]) -> bool:
    if kind is Path:
        return isinstance(value, str)
    if isinstance(value, bool):  # bool is an int in Python, but `workers = true` is a mistake
        return kind is bool
    if kind is float:
        return isinstance(value, int | float)
    return isinstance(value, kind)


def _toml_type(value: Any) -> str:
    kinds = {
        bool: "boolean",
        int: "integer",
        float: "float",
        str: "string",
        dict: "table",
        list: "array",
    }
    return next((t for py, t in kinds.items() if isinstance(value, py)), type(value).__name__)
