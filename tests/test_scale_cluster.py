"""The scaled deployment whole, every process started as production starts it: two gateway
processes (`python -m bot`, shards 0 and 1 of 2), two workers (`python -m bot.worker`), a real
Redis and a real PostgreSQL, against the Discord stand-in."""

from __future__ import annotations

import contextlib
from pathlib import Path

import psycopg
from bot_harness import ROOT, button, embed_text, run_id_of, wait_answer, write_config
from discord_standin import InteractionHandle, StandIn, running_bot
from redis_server import started_redis
from scale_harness import WorkerProcess, worker_process

QUEUE_SECONDS = 2  # redelivery_seconds: how long a job may go unrenewed before it is retaken


def answered_by(handle: InteractionHandle, workers: list[WorkerProcess]) -> int:
    """How many workers logged that they answered this interaction."""
    line = f"answered solve for interaction {handle.id}"
    return sum(line in worker.log() for worker in workers)


async def test_two_gateways_and_two_workers_answer_every_interaction_once(
    tmp_path: Path, postgres_url: str
) -> None:
    """Holds: /solve in a guild of each shard reaches that shard's gateway, which queues it;
    one worker answers it, once. Afterwards /explain of the run the other shard's user made,
    the Explain step button (answered by the gateway from PostgreSQL) and lr ×2 (queued
    again) are each answered once, and PostgreSQL holds each run once under its interaction."""
    redis = started_redis()
    standin = StandIn(shard_count=2, max_concurrency=1)
    try:
        async with standin, contextlib.AsyncExitStack() as stack:
            guilds = {shard: standin.add_guild(shard) for shard in (0, 1)}
            shared = {
                "storage": {"url": postgres_url},
                "queue": {"url": redis.url, "redelivery_seconds": QUEUE_SECONDS},
                "limits": {"workers": 1, "render_processes": 0, "cooldown_seconds": 0},
            }
            configs = []
            for shard in (0, 1):
                folder = tmp_path / f"gateway-{shard}"
                folder.mkdir()
                discord = {
                    "dev_guild_id": 0,
                    "sync_global": shard == 0,
                    "shard_count": 2,
                    "shard_ids": [shard],
                }
                configs.append(write_config(folder, standin, discord=discord, **shared))
            for config in configs:
                await stack.enter_async_context(
                    running_bot(standin, "--config", str(config), cwd=ROOT)
                )
            (tmp_path / "workers").mkdir()
            worker_config = write_config(tmp_path / "workers", standin, **shared)
            workers = [
                await stack.enter_async_context(
                    worker_process(standin, worker_config, tmp_path / "workers" / f"w{i}.log")
                )
                for i in (0, 1)
            ]
            await standin.wait_shards(2)
            await standin.wait_commands("solve", "explain")

            answers = {}
            for shard, guild in guilds.items():
                handle = await standin.invoke_command(
                    "solve", {"x0": 1, "lr": 0.01}, channel=standin.channel_of(guild)
                )
                answer = await wait_answer(handle)
                assert "x=1.4142133" in embed_text(answer)
                assert handle.shard == (shard, 2) and handle.visible_messages() == [answer]
                assert answered_by(handle, workers) == 1
                answers[shard] = (handle, answer)

            handles = [handle for handle, _ in answers.values()]
            for shard, guild in guilds.items():
                other_run = run_id_of(answers[1 - shard][1])
                explained = await standin.invoke_command(
                    "explain", {"iteration": 1, "run": other_run}, channel=standin.channel_of(guild)
                )
                assert "1.0782053" in embed_text(await wait_answer(explained))
                assert explained.shard == (shard, 2) and len(explained.visible_messages()) == 1
                answer = answers[shard][1]
                step = await standin.click(answer, button(answer, "Explain step")["custom_id"])
                assert "Iteration 0 (of 0–99)" in embed_text(await wait_answer(step))
                rerun = await standin.click(answer, button(answer, "lr ×2")["custom_id"])
                again = await wait_answer(rerun)
                assert "lr = 0.02" in embed_text(again) and len(rerun.visible_messages()) == 1
                assert answered_by(rerun, workers) == 1
                handles.append(rerun)
            standin.assert_no_violations()
    finally:
        redis.remove()
    with psycopg.connect(postgres_url) as connection:
        stored = connection.execute("SELECT interaction_id FROM runs ORDER BY id").fetchall()
    assert sorted(row[0] for row in stored) == sorted(int(h.id) for h in handles)
