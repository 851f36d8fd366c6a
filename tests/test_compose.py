"""docker-compose.yml: the default single bot, and the `scale` profile checked as compose reads it.

No compose engine runs here (podman-compose is not installed), so the file is checked as YAML:
the services each profile starts, their healthchecks, what they wait for, the commands and the
config files they read (loaded with the bot's own loader), and which of them get the token.
"""

from __future__ import annotations

import dataclasses
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent
SCALE = {"redis", "postgres", "gateway-0", "gateway-1", "worker-0", "worker-1"}
PROCESSES = SCALE - {"redis", "postgres"}


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert set(compose["volumes"]) >= {"gd-tutor-data", "redis-data", "postgres-data"}
    return dict(compose["services"])


def config_file(service: dict[str, Any]) -> Path:
    """The deploy/ file a service's command reads, through its ./deploy:/app/deploy mount."""
    command = service["command"]
    assert "./deploy:/app/deploy:ro" in service["volumes"]
    container_path = command[command.index("--config") + 1]
    assert container_path.startswith("/app/deploy/")
    return ROOT / "deploy" / container_path.removeprefix("/app/deploy/")


def load_deploy_config(path: Path) -> tuple[Config, dict[str, Any]]:
    """The bot's view of a deploy file, and its TOML.

    [queue] is read by the job queue (another branch of this work); until bot.config knows
    it, it is taken out before the bot's own loader checks the rest.
    """
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    known = {f.name for f in dataclasses.fields(Config)}
    text = path.read_text(encoding="utf-8")
    if "queue" not in known:
        text = text.replace('[queue]\nurl = "redis://redis:6379/0"\n', "")
    with tempfile.TemporaryDirectory() as folder:
        stripped = Path(folder) / path.name
        stripped.write_text(text, encoding="utf-8")
        return load_config(stripped), data


def test_the_default_is_one_bot_and_nothing_else(services: dict[str, dict[str, Any]]) -> None:
    defaults = {name for name, service in services.items() if "profiles" not in service}
    assert defaults == {"bot"}
    bot = services["bot"]
    assert bot["build"] == "." and bot["env_file"] == ".env" and bot["read_only"] is True
    assert bot["volumes"] == ["gd-tutor-data:/data"]
    assert "healthcheck" not in bot  # the image's HEALTHCHECK


def test_the_scale_profile_has_redis_postgres_two_gateways_and_two_workers(
    services: dict[str, dict[str, Any]],
) -> None:
    scaled = {name for name, service in services.items() if "scale" in service.get("profiles", [])}
    assert scaled == SCALE
    for name in SCALE:
        check = services[name]["healthcheck"]
        assert check["test"][0] == "CMD" and check["retries"] >= 3, name
    assert services["redis"]["healthcheck"]["test"][1:] == ["redis-cli", "ping"]
    assert services["postgres"]["healthcheck"]["test"][1] == "pg_isready"
    for name in PROCESSES:
        service = services[name]
        assert service["depends_on"] == {
            "redis": {"condition": "service_healthy"},
            "postgres": {"condition": "service_healthy"},
        }, name
        assert service["image"] == "gd-tutor:latest" and service["read_only"] is True
        # The health check reads the heartbeat of the same config file the process runs with.
        check = service["healthcheck"]["test"][1:]
        assert check == [
            "python",
            "-m",
            "bot",
            "--config",
            str(service["command"][-1]),
            "--healthcheck",
        ]


def test_gateways_run_shards_0_and_1_of_2_and_only_they_hold_the_token(
    services: dict[str, dict[str, Any]],
) -> None:
    shards = []
    for name in ("gateway-0", "gateway-1"):
        service = services[name]
        assert service["command"][:3] == ["python", "-m", "bot"]
        assert service["env_file"] == ".env"
        config, _ = load_deploy_config(config_file(service))
        assert config.discord.shard_count == 2
        shards.extend(config.discord.shard_ids)
    assert sorted(shards) == [0, 1]  # every shard exactly once
    for name in ("worker-0", "worker-1"):
        assert services[name]["command"][:3] == ["python", "-m", "bot.worker"]
        assert "env_file" not in services[name] and "environment" not in services[name]


def test_every_process_shares_one_queue_and_one_database_and_serves_metrics(
    services: dict[str, dict[str, Any]],
) -> None:
    postgres = services["postgres"]["environment"]
    url = (
        f"postgresql://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}"
        f"@postgres:5432/{postgres['POSTGRES_DB']}"
    )
    for name in PROCESSES:
        config, data = load_deploy_config(config_file(services[name]))
        assert config.storage.url == url, name
        assert data["queue"]["url"] == "redis://redis:6379/0", name
        assert (config.metrics.port, config.metrics.address) == (9100, "0.0.0.0"), name
        assert str(config.metrics.port) in services[name]["expose"]
        assert config.logging.format == "json"
        assert str(config.health.heartbeat_path).startswith("/tmp/")  # the tmpfs
        assert "/tmp" in services[name]["tmpfs"]
