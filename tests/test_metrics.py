"""Prometheus metrics: served by `python -m bot` on [metrics] port, moved by real interactions."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
from bot_harness import ROOT, wait_answer, write_config
from discord_standin import StandIn, running_bot
from local_servers import free_port
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import interaction_labels


async def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, by name and labels, read with Prometheus' own parser."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        assert response.status == 200
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_interaction_labels_name_the_command_or_the_buttons_action_only() -> None:
    assert interaction_labels({"type": 2, "data": {"name": "solve"}}) == ("command", "solve")
    assert interaction_labels({"type": 4, "data": {"name": "explain"}}) == (
        "autocomplete",
        "explain",
    )
    step = {"type": 3, "data": {"custom_id": "gd:step:41:3:next"}}
    assert interaction_labels(step) == ("component", "step")
    assert interaction_labels({"type": 3, "data": {"custom_id": "x" * 90}}) == (
        "component",
        "other",
    )


async def test_python_m_bot_serves_metrics_that_count_what_it_did(tmp_path: Path) -> None:
    """Holds: with [metrics] port set, /metrics answers over HTTP; one /solve moves the
    interactions counter of solve, the runs of its outcome, the queue wait and job time; the
    queue depth is served, and shard 0's heartbeat latency appears once it was measured."""
    port = free_port()
    async with StandIn(heartbeat_interval=1.0) as standin:
        config = write_config(
            tmp_path, standin, metrics={"port": port}, limits={"render_processes": 0}
        )
        async with running_bot(standin, "--config", str(config), cwd=ROOT):
            await standin.wait_commands("solve")
            before = await scrape(port)
            solve = ("gd_tutor_interactions_total", (("command", "solve"), ("kind", "command")))
            assert before.get(solve, 0.0) == 0.0
            await wait_answer(await standin.invoke_command("solve", {"x0": 1, "lr": 0.01}))
            after = await scrape(port)
            assert after[solve] == 1.0
            assert after[("gd_tutor_runs_total", (("outcome", "converged"),))] == 1.0
            wait_count = ("gd_tutor_queue_wait_seconds_count", ())
            job_count = ("gd_tutor_job_seconds_count", ())
            # The warm-up at start-up is a job too.
            assert after[wait_count] >= before.get(wait_count, 0.0) + 1
            assert after[job_count] >= before.get(job_count, 0.0) + 1
            assert after[("gd_tutor_queue_depth", ())] == 0.0
            assert after[("gd_tutor_redeliveries_total", ())] == 0.0  # no queue here
            latency = ("gd_tutor_shard_latency_seconds", (("shard", "0"),))
            for _ in range(40):  # a heartbeat a second, copied every 5 s
                if latency in (samples := await scrape(port)):
                    break
                await asyncio.sleep(0.5)
            assert 0.0 <= samples[latency] < 5.0
        standin.assert_no_violations()


def test_a_metrics_port_in_use_stops_the_bot_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "config.toml"
        config.write_text(
            f'[metrics]\nport = {port}\n[storage]\npath = "{tmp_path / "runs.sqlite3"}"\n'
            f'[health]\nheartbeat_path = "{tmp_path / "heartbeat"}"\n'
        )
        done = subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "DISCORD_TOKEN": "not-used", "PYTHONPATH": str(ROOT)},
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"gd-tutor: metrics.port {port} on 127.0.0.1: cannot listen (Address already in use)"
        " — choose a free port, or 0 to serve no metrics"
    ]
