"""Configuration: defaults, the documented example, and errors that name the bad key."""

import dataclasses
import tomllib
from pathlib import Path

import pytest

from bot.config import (
    Config,
    ConfigError,
    DiscordConfig,
    HealthConfig,
    LimitsConfig,
    SolverConfig,
    StorageConfig,
    load_config,
    resolve_config_path,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"


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
        storage=StorageConfig(path=Path("data/gd-tutor.sqlite3"), keep_runs_per_user=50),
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
        ("[limits]\nqueu = 3", "unknown key 'limits.queu' in "),
        ("[limit]\nqueue = 3", "unknown section 'limit' in "),
        ("limits = 3", "'limits' must be a table ([limits]), got integer"),
        ('[limits]\nqueue = "3"', "'limits.queue' must be an integer, got string"),
        ("[limits]\nqueue = 3.0", "'limits.queue' must be an integer, got float"),
        ("[limits]\nworkers = true", "'limits.workers' must be an integer, got boolean"),
        ("[limits]\ncooldown_seconds = true", "'limits.cooldown_seconds' must be a number, got"),
        ("[discord]\nsync_global = 1", "'discord.sync_global' must be a boolean, got integer"),
        ("[storage]\npath = 3", "'storage.path' must be a string, got integer"),
        ('[storage]\npath = ""', "'storage.path' must not be empty"),
        ("[health]\nheartbeat_path = [1]", "'health.heartbeat_path' must be a string, got array"),
        ("[limits]\nworkers = 0", "'limits.workers' must be >= 1, got 0"),
        ("[limits]\nqueue = -1", "'limits.queue' must be >= 0, got -1"),
        ("[limits]\ncooldown_seconds = -0.5", "'limits.cooldown_seconds' must be >= 0, got -0.5"),
        ("[solver]\nmax_steps = 0", "'solver.max_steps' must be >= 1, got 0"),
        ("[solver]\nmax_seconds = 0", "'solver.max_seconds' must be > 0, got 0"),
        ("[solver]\nmax_seconds = inf", "'solver.max_seconds' must be a finite number, got inf"),
        ("[solver]\nmax_seconds = nan", "'solver.max_seconds' must be a finite number, got nan"),
        ("[storage]\nkeep_runs_per_user = 0", "'storage.keep_runs_per_user' must be >= 1, got 0"),
        ("[discord]\ndev_guild_id = -5", "'discord.dev_guild_id' must be >= 0, got -5"),
        ("[health]\nmax_age_seconds = 0", "'health.max_age_seconds' must be >= 1, got 0"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert message in str(info.value)


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[limits\nqueue = 3")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(path)


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
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
