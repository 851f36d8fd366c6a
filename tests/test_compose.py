"""docker-compose.yml: the default single bot, and the `scale` profile checked as compose reads it.

No compose engine runs here (podman-compose is not installed), so the file is checked as YAML:
the services each profile starts, their healthchecks, what they wait for, the commands and the
config files they read (loaded with the bot's own loader), and which of them get the token.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tomllib
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from bot_harness import embed_text, wait_answer
from discord_standin import StandIn
from redis_server import started_redis

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
    """The bot's view of a deploy file, and its TOML."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return load_config(path), data


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


# --- the scale profile's gateways from the built image (opt-in, as CI's image smoke runs it) ---

IMAGE = os.environ.get("GD_TUTOR_IMAGE", "")


def toml_text(data: dict[str, dict[str, Any]]) -> str:
    """A TOML file of tables of plain values (what deploy/*.toml holds)."""
    lines = []
    for section, keys in data.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in keys.items())
    return "\n".join(lines) + "\n"


def container_config(name: str, database: str, queue: str, *, sync: bool = False) -> str:
    """deploy/NAME as the container reads it here: the test's PostgreSQL database and Redis."""
    data = tomllib.loads((ROOT / "deploy" / name).read_text(encoding="utf-8"))
    data["queue"]["url"] = queue
    data["storage"]["url"] = database
    data.setdefault("discord", {})["sync_global"] = sync
    data["limits"] = {"cooldown_seconds": 0, "render_processes": 0}
    data.setdefault("metrics", {})["port"] = 0  # the containers share the host's network here
    return toml_text(data)


def container_command(
    service: str, name: str, config: str, standin: StandIn, deploy: Path
) -> list[str]:
    """`podman run` of one compose service of the scale profile: read-only root, /tmp a tmpfs,
    deploy/ mounted read-only, the compose healthcheck; the launcher points discord.py at the
    stand-in (tests/ mounted at /standin), then starts the production entry point."""
    if service.startswith("gateway"):
        launcher = ["/standin/run_bot_against_standin.py", "--gateway", standin.gateway_url]
    else:
        launcher = ["/standin/run_worker_against_standin.py"]
    return [
        "podman", "run", "--rm", "--name", name, "--read-only", "--tmpfs", "/tmp",
        "--network", "host", "-e", "DISCORD_TOKEN",
        "-v", f"{deploy}:/app/deploy:ro", "-v", f"{ROOT / 'tests'}:/standin:ro",
        "--health-cmd", f"python -m bot --config {config} --healthcheck",
        "--health-interval", "disable",
        IMAGE, "python", *launcher, "--rest", standin.rest_base, "--config", config,
    ]  # fmt: skip


@pytest.mark.skipif(
    not IMAGE or shutil.which("podman") is None,
    reason="set GD_TUTOR_IMAGE to a built image (e.g. localhost/gd-tutor:ci) and have podman",
)
async def test_the_image_runs_the_scale_profile_gateways_and_workers(
    tmp_path: Path, postgres_url: str
) -> None:
    """gateway-0, gateway-1, worker-0 and worker-1 as compose starts them, against the
    stand-in, a real Redis and a real PostgreSQL (the host's, as no registry image can be
    pulled here).

    Holds: each gateway connects its shard of 2 and queues /solve from a guild of its shard;
    a worker answers each once through the interaction's webhook; both runs land in the one
    database, once each; the compose healthcheck passes in all four; no token is logged.
    """
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    redis = started_redis()
    for index in (0, 1):
        name = f"gateway-{index}.toml"
        text = container_config(name, postgres_url, redis.url, sync=index == 0)
        (deploy / name).write_text(text)
    (deploy / "worker.toml").write_text(container_config("worker.toml", postgres_url, redis.url))
    standin = StandIn(shard_count=2, max_concurrency=1, strict_identify_pace=True)
    services = ["gateway-0", "gateway-1", "worker-0", "worker-1"]
    names = {service: f"gd-tutor-{service}-{os.getpid()}" for service in services}
    processes = []
    async with standin:
        guilds = [standin.add_guild(0), standin.add_guild(1)]
        env = {**os.environ, "DISCORD_TOKEN": standin.token}
        try:
            for service, name in names.items():
                file = "worker.toml" if service.startswith("worker") else f"{service}.toml"
                command = container_command(service, name, f"/app/deploy/{file}", standin, deploy)
                if service.startswith("worker"):
                    command[command.index("-e") : command.index("-e") + 2] = []  # no token
                with (tmp_path / f"{service}.log").open("wb") as sink:
                    processes.append(
                        await asyncio.create_subprocess_exec(
                            *command, env=env, stdout=sink, stderr=asyncio.subprocess.STDOUT
                        )
                    )
            await standin.wait_shards(2, timeout=180)
            await standin.wait_commands("solve", timeout=60)
            handles = []
            for shard, guild in enumerate(guilds):
                handle = await standin.invoke_command(
                    "solve", {"x0": 1, "lr": 0.01}, channel=standin.channel_of(guild)
                )
                assert "x=1.4142133" in embed_text(await wait_answer(handle, timeout=180))
                assert handle.shard == (shard, 2) and len(handle.visible_messages()) == 1
                handles.append(handle)
            worker_logs = "".join(
                (tmp_path / f"{w}.log").read_text(errors="replace") for w in services[2:]
            )
            for handle in handles:
                assert worker_logs.count(f"answered solve for interaction {handle.id}") == 1
            for name in names.values():
                async with asyncio.timeout(90):  # the first beat: on_ready, or Redis reached
                    while await healthcheck_run(name) != 0:
                        await asyncio.sleep(1)
        finally:
            for name in names.values():
                stop = await asyncio.create_subprocess_exec(
                    "podman", "stop", "-t", "10", name, stdout=asyncio.subprocess.DEVNULL
                )
                await stop.wait()
            for process in processes:
                await asyncio.wait_for(process.wait(), 60)
            redis.remove()
        standin.assert_no_violations()
    with psycopg.connect(postgres_url) as connection:
        assert connection.execute("SELECT count(*) FROM runs").fetchone() == (2,)
    for service in services:
        log = (tmp_path / f"{service}.log").read_text(errors="replace")
        assert standin.token not in log
        assert not any(handle.token in log for handle in handles)


async def healthcheck_run(name: str) -> int:
    """`podman healthcheck run`: the compose healthcheck command, in the running container."""
    process = await asyncio.create_subprocess_exec(
        "podman", "healthcheck", "run", name, stdout=asyncio.subprocess.DEVNULL
    )
    return await process.wait()
