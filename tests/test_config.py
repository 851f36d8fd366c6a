"""Configuration: defaults, the documented example, and errors that name the bad key."""

import dataclasses
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.config import (
    RANGES,
    Config,
    ConfigError,
    DiscordConfig,
    HealthConfig,
    LimitsConfig,
    QueueConfig,
    SolverConfig,
    StorageConfig,
    load_config,
    resolve_config_path,
)
from solver import MAX_STEPS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"
README = ROOT / "README.md"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_documented_values() -> None:
    config = load_config(None)
    assert config == Config(
        discord=DiscordConfig(dev_guild_id=0, sync_global=False),
        solver=SolverConfig(max_steps=10000, max_seconds=10.0),
        limits=LimitsConfig(workers=2, queue=16, cooldown_seconds=2.0),
        storage=StorageConfig(
            path=Path("data/gd-tutor.sqlite3"),
            keep_runs_per_user=50,
            url="",
            max_bytes=1073741824,
            keep_bytes_per_user=5242880,
            keep_days=0.0,
        ),
        queue=QueueConfig(url="", redelivery_seconds=30.0),
        health=HealthConfig(heartbeat_path=Path("data/heartbeat"), max_age_seconds=90),
    )
    assert isinstance(config.storage.path, Path)
    assert isinstance(config.solver.max_seconds, float)


def test_example_file_loads_to_exactly_the_defaults() -> None:
    assert load_config(EXAMPLE) == Config()


def test_example_file_documents_every_field_with_a_comment() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for section in dataclasses.fields(Config):
        keys = {f.name for f in dataclasses.fields(getattr(Config(), section.name))}
        assert set(data[section.name]) == keys, section.name
        for key in keys:
            index = next(i for i, line in enumerate(lines) if line.startswith(f"{key} = "))
            assert lines[index - 1].startswith("# "), f"{section.name}.{key} has no comment"
    assert set(data) == {f.name for f in dataclasses.fields(Config)}


def test_values_override_defaults_and_keep_the_rest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [discord]
        dev_guild_id = 123456789012345678
        [solver]
        max_seconds = 3
        [limits]
        workers = 1
        queue = 0
        cooldown_seconds = 0
        [storage]
        path = "/var/lib/gd/runs.sqlite3"
    """,
    )
    config = load_config(path)
    assert config.discord == DiscordConfig(dev_guild_id=123456789012345678, sync_global=False)
    assert config.solver.max_seconds == 3.0
    assert type(config.solver.max_seconds) is float
    assert config.limits == LimitsConfig(workers=1, queue=0, cooldown_seconds=0.0)
    assert config.storage.path == Path("/var/lib/gd/runs.sqlite3")
    assert config.storage.keep_runs_per_user == 50
    assert config.health == HealthConfig()


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")) == Config()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[limits]\nqueu = 3", "unknown key 'limits.queu'"),
        ("[limit]\nqueue = 3", "unknown section 'limit'"),
        ("limits = 3", "'limits' must be a table ([limits]), got integer"),
        ('[limits]\nqueue = "3"', "'limits.queue' must be an integer, got string"),
        ("[limits]\nqueue = 3.0", "'limits.queue' must be an integer, got float"),
        ("[limits]\nworkers = true", "'limits.workers' must be an integer, got boolean"),
        (
            "[limits]\ncooldown_seconds = true",
            "'limits.cooldown_seconds' must be a number, got boolean",
        ),
        ("[discord]\nsync_global = 1", "'discord.sync_global' must be a boolean, got integer"),
        ("[storage]\npath = 3", "'storage.path' must be a string, got integer"),
        ("[storage]\nurl = 5432", "'storage.url' must be a string, got integer"),
        (
            '[storage]\nurl = "mysql://u@db/runs"',
            "'storage.url' = 'mysql://u@db/runs' must start with postgresql:// (or be empty"
            " for the SQLite file of storage.path)",
        ),
        (
            '[storage]\nurl = "postgresql://u:pw@db:99999/runs"',
            "'storage.url' = 'postgresql://u:***@db:99999/runs' is not a valid URL"
            " (Port out of range 0-65535)",
        ),
        (
            '[storage]\nurl = "postgresql://u@db/my runs"',
            "'storage.url' = 'postgresql://u@db/my runs' must not contain spaces"
            " (percent-encode them as %20)",
        ),
        ('[storage]\npath = ""', "'storage.path' must not be empty"),
        (
            '[queue]\nurl = "amqp://u:secret@mq/0"',
            "'queue.url' = 'amqp://u:***@mq/0' must start with redis:// (or be empty for the"
            " local pools)",
        ),
        (
            "[queue]\nredelivery_seconds = 0.5",
            "'queue.redelivery_seconds' must be between 1 and 600, got 0.5",
        ),
        ("[health]\nheartbeat_path = [1]", "'health.heartbeat_path' must be a string, got array"),
        ("[limits]\nworkers = 0", "'limits.workers' must be between 1 and 64, got 0"),
        ("[limits]\nqueue = -1", "'limits.queue' must be between 0 and 10000, got -1"),
        (
            "[limits]\ncooldown_seconds = -0.5",
            "'limits.cooldown_seconds' must be between 0 and 3600, got -0.5",
        ),
        ("[solver]\nmax_steps = 0", "'solver.max_steps' must be between 1 and 100000, got 0"),
        ("[solver]\nmax_seconds = 0", "'solver.max_seconds' must be between 0.1 and 600, got 0"),
        ("[solver]\nmax_seconds = inf", "'solver.max_seconds' must be a finite number, got inf"),
        ("[solver]\nmax_seconds = nan", "'solver.max_seconds' must be a finite number, got nan"),
        (
            "[storage]\nkeep_runs_per_user = 0",
            "'storage.keep_runs_per_user' must be between 1 and 100000, got 0",
        ),
        (
            "[storage]\nmax_bytes = 1000",
            "'storage.max_bytes' must be between 1048576 and 1125899906842624, got 1000",
        ),
        (
            "[storage]\nkeep_bytes_per_user = -1",
            "'storage.keep_bytes_per_user' must be between 65536 and 1125899906842624, got -1",
        ),
        ("[storage]\nkeep_days = -1", "'storage.keep_days' must be between 0 and 36500, got -1"),
        ("[storage]\nmax_bytes = 1.5e9", "'storage.max_bytes' must be an integer, got float"),
        (
            "[discord]\ndev_guild_id = -5",
            "'discord.dev_guild_id' must be between 0 and 9223372036854775807, got -5",
        ),
        (
            "[health]\nmax_age_seconds = 0",
            "'health.max_age_seconds' must be between 1 and 86400, got 0",
        ),
    ],
)
def test_bad_values_are_one_message_naming_the_file_and_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: {message}"


def test_a_postgresql_url_loads_as_written(tmp_path: Path) -> None:
    url = "postgresql://tutor:p%40ss@db.example:5433/gd?sslmode=require"
    config = load_config(write(tmp_path, f'[storage]\nurl = "{url}"'))
    assert config.storage.url == url
    assert load_config(write(tmp_path, '[storage]\nurl = ""')).storage.url == ""


def test_a_redis_url_loads_as_written(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[queue]\nurl = "redis://:pw@cache:6380/2"'))
    assert config.queue.url == "redis://:pw@cache:6380/2"
    assert config.queue.redelivery_seconds == 30.0


def test_a_bad_url_never_shows_its_password(tmp_path: Path) -> None:
    path = write(tmp_path, '[storage]\nurl = "postgres://u:hunter2@db:0x1/x?password=hunter3"')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "hunter" not in str(info.value) and "u:***@db:0x1" in str(info.value)


def test_keep_runs_per_user_of_twenty_digits_is_refused_at_load(tmp_path: Path) -> None:
    """It used to load, and then every run failed to save (SQLite's LIMIT is 64-bit)."""
    path = write(tmp_path, "[storage]\nkeep_runs_per_user = 99999999999999999999")
    with pytest.raises(ConfigError, match=r"between 1 and 100000, got 99999999999999999999$"):
        load_config(path)


def test_max_seconds_too_short_for_one_step_is_refused_at_load(tmp_path: Path) -> None:
    """1e-300 used to load, and then every run timed out with 0 iterations."""
    path = write(tmp_path, "[solver]\nmax_seconds = 1e-300")
    with pytest.raises(ConfigError, match=r"'solver.max_seconds' must be between 0.1 and 600"):
        load_config(path)


def numeric_keys() -> list[tuple[str, type]]:
    return [
        (f"{section.name}.{field.name}", field.type)
        for section in dataclasses.fields(Config)
        for field in dataclasses.fields(getattr(Config(), section.name))
        if field.type in ("int", "float")
    ]


def test_every_numeric_key_has_a_range() -> None:
    assert sorted(RANGES) == sorted(name for name, _ in numeric_keys())


def toml(value: float) -> str:
    return repr(value) if isinstance(value, float) else str(value)


@pytest.mark.parametrize(("name", "kind"), numeric_keys())
def test_both_ends_of_each_range_load_and_one_step_past_them_is_refused(
    tmp_path: Path, name: str, kind: str
) -> None:
    section, key = name.split(".")
    low, high = RANGES[name]
    for value in (low, high):
        config = load_config(write(tmp_path, f"[{section}]\n{key} = {toml(value)}"))
        assert getattr(getattr(config, section), key) == value
    if kind == "int":
        outside = [int(low) - 1, int(high) + 1]
    else:
        outside = [math.nextafter(low, -math.inf), math.nextafter(high, math.inf)]
    for value in outside:
        with pytest.raises(ConfigError, match=f"between {low} and {high}, got {value}$"):
            load_config(write(tmp_path, f"[{section}]\n{key} = {toml(value)}"))


def test_max_steps_bound_is_the_solvers_own() -> None:
    assert RANGES["solver.max_steps"] == (1, MAX_STEPS)


def test_example_file_and_readme_state_each_range() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    readme = README.read_text(encoding="utf-8")
    for name, (low, high) in RANGES.items():
        key = name.split(".")[1]
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key} = "))
        assert f"{low} to {high}" in lines[index - 1], name
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"{low} to {high}" in row, name


def test_non_utf8_file_is_one_message_naming_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"[limits]\nqueue = 3 # caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (
        f"{path}: is not UTF-8 text (byte 0xe9 at offset 24) — save it as UTF-8"
    )


def test_tilde_in_paths_is_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = write(
        tmp_path, '[storage]\npath = "~/gd/runs.sqlite3"\n[health]\nheartbeat_path = "~/beat"'
    )
    config = load_config(path)
    assert config.storage.path == tmp_path / "home" / "gd" / "runs.sqlite3"
    assert config.health.heartbeat_path == tmp_path / "home" / "beat"


def test_tilde_of_an_unknown_user_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[storage]\npath = "~no-such-user-gd/runs.sqlite3"')
    with pytest.raises(ConfigError, match=r"'storage.path' = '~no-such-user-gd/runs.sqlite3': "):
        load_config(path)


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[limits\nqueue = 3")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(path)


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r": cannot be read \(Is a directory\)$"):
        load_config(tmp_path)  # a directory


def test_resolve_explicit_path(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    assert resolve_config_path(str(path)) == path


def test_resolve_missing_explicit_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        resolve_config_path(str(tmp_path / "nope.toml"))


def test_resolve_finds_config_toml_in_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_config_path(None) is None
    write(tmp_path, "[limits]\nworkers = 3")
    found = resolve_config_path(None)
    assert found == Path("config.toml")
    assert load_config(found).limits.workers == 3


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().limits.workers = 5  # type: ignore[misc]


# --- sharding, metrics, logging ----------------------------------------------------------------


def test_shards_metrics_and_logging_load_as_written(tmp_path: Path) -> None:
    text = (
        "[discord]\nshard_count = 4\nshard_ids = [2, 3]\n"
        '[metrics]\nport = 9108\naddress = "0.0.0.0"\n[logging]\nformat = "json"\n'
    )
    config = load_config(write(tmp_path, text))
    assert (config.discord.shard_count, config.discord.shard_ids) == (4, (2, 3))
    assert (config.metrics.port, config.metrics.address) == (9108, "0.0.0.0")
    assert config.logging.format == "json"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[discord]\nshard_ids = [0]",
            "'discord.shard_ids' needs 'discord.shard_count' (the total, 1 or more)",
        ),
        (
            "[discord]\nshard_count = 2\nshard_ids = [0, 2]",
            "'discord.shard_ids' has 2, but shards are numbered 0 to 1 (discord.shard_count = 2)",
        ),
        (
            "[discord]\nshard_count = 2\nshard_ids = [1, 1]",
            "'discord.shard_ids' = [1, 1] repeats a shard",
        ),
        (
            "[discord]\nshard_count = 2\nshard_ids = [-1]",
            "'discord.shard_ids' must hold ids from 0 to 65535, got -1",
        ),
        (
            '[discord]\nshard_count = 2\nshard_ids = ["0"]',
            "'discord.shard_ids' must hold integers, got string",
        ),
        (
            "[discord]\nshard_count = 2\nshard_ids = 0",
            "'discord.shard_ids' must be an array of integers, got integer",
        ),
        ('[logging]\nformat = "xml"', "'logging.format' must be 'text' or 'json', got 'xml'"),
        ("[metrics]\nport = 65536", "'metrics.port' must be between 0 and 65535, got 65536"),
    ],
)
def test_bad_shard_metrics_and_logging_values_are_one_message(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: {message}"


def test_a_bad_shard_list_stops_python_m_bot_with_one_line_and_status_2(tmp_path: Path) -> None:
    path = write(tmp_path, "[discord]\nshard_count = 2\nshard_ids = [0, 5]\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(path), "--healthcheck"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"gd-tutor: {path}: 'discord.shard_ids' has 5, but shards are numbered 0 to 1"
        " (discord.shard_count = 2)"
    ]
