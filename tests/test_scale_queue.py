"""The scaled deployment end to end: a `python -m bot` gateway, `python -m bot.worker`
processes, a real Redis and a real PostgreSQL, against the Discord stand-in. Each /solve is
answered once, by a worker, through the interaction's webhook; and so it stays when a worker
is SIGKILLed mid-job, Redis restarts, PostgreSQL goes down or the gateway is killed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
from bot_harness import (
    COMMANDS,
    button,
    embed_text,
    mentions_disabled_everywhere,
    png_size,
    wait_answer,
    write_config,
)
from discord_standin import InteractionHandle, Message, StandIn, running_bot
from local_servers import free_port
from postgres_server import started_server
from redis_server import RedisServer, started_redis
from scale_harness import ROOT, WorkerProcess, wait_for_log, worker_process

from bot.config import load_config
from bot.queue.job import Job
from bot.queue.submit import JobQueue
from bot.tutor.caller import Caller
from solver.words import t

SLOW = {"steps": 100000}  # several seconds of torch: long enough to kill something mid-job
REDELIVERY = 2


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = started_redis()
    try:
        yield server
    finally:
        server.remove()


def scaled_config(tmp_path: Path, standin: StandIn, redis_url: str, postgres_url: str) -> Path:
    return write_config(
        tmp_path,
        standin,
        storage={"url": postgres_url},
        queue={"url": redis_url, "redelivery_seconds": REDELIVERY},
        limits={"workers": 1, "render_processes": 0, "cooldown_seconds": 0},
        solver={"max_steps": 100000, "max_seconds": 120.0},
    )


@contextlib.asynccontextmanager
async def gateway(standin: StandIn, config: Path, name: str = "gateway") -> AsyncIterator[Any]:
    log = config.parent / f"{name}.log"
    async with running_bot(
        standin, "--config", str(config), cwd=config.parent, log_path=log,
        env={"PYTHONPATH": str(ROOT)},
    ) as bot:  # fmt: skip
        await standin.wait_commands(*COMMANDS, timeout=60)
        yield bot


@contextlib.asynccontextmanager
async def workers(
    standin: StandIn, config: Path, *names: str
) -> AsyncIterator[list[WorkerProcess]]:
    """Worker processes started together (each logs to <name>.log), stopped at the end."""
    async with contextlib.AsyncExitStack() as stack:
        logs = [config.parent / f"{name}.log" for name in names]
        started = await asyncio.gather(
            *(stack.enter_async_context(worker_process(standin, config, log)) for log in logs)
        )
        yield list(started)


def stored_for(postgres_url: str, handle: InteractionHandle) -> list[int]:
    """The ids of the runs stored for this interaction."""
    with psycopg.connect(postgres_url) as conn:
        found = conn.execute(
            "SELECT id FROM runs WHERE interaction_id = %s", (int(handle.id),)
        ).fetchall()
    return [row[0] for row in found]


def answered_once(handle: InteractionHandle, answer: Message) -> None:
    """One message, its picture added once: the user saw one answer."""
    assert handle.visible_messages() == [answer]
    with_picture = [e for e in handle.edits if e.snapshot.get("attachments")]
    assert len(with_picture) == 1, [e.snapshot.get("content") for e in handle.edits]
    assert answer.attachments and png_size(answer.attachments[0].data)[0] > 0


def answered_by(
    handle: InteractionHandle, *ws: WorkerProcess, kind: str = "solve"
) -> list[WorkerProcess]:
    line = f"answered {kind} for interaction {handle.id}"
    return [w for w in ws if line in w.log()]


async def test_solve_is_answered_once_by_a_worker_then_explain_and_buttons_work(
    standin: StandIn, tmp_path: Path, redis_server: RedisServer, postgres_url: str
) -> None:
    """A gateway, two workers, Redis and PostgreSQL: /solve, /explain, the buttons, /compare.

    Holds: the gateway defers and a worker answers each once through the webhook, with the
    gateway's layout (numbers, then the picture; buttons that any gateway serves); /explain
    and the buttons read the runs from PostgreSQL; no token is in any process's log.
    """
    config = scaled_config(tmp_path, standin, redis_server.url, postgres_url)
    async with gateway(standin, config), workers(standin, config, "w1", "w2") as (w1, w2):
        handle = await standin.invoke_command("solve", {})
        callback = await handle.wait_callback()
        assert callback.type == 5  # deferred with "thinking" by the gateway
        answer = await wait_answer(handle)
        text = embed_text(answer)
        assert "x=1.4142133" in text and "run #1" in text
        answered_once(handle, answer)
        assert len(answered_by(handle, w1, w2)) == 1
        assert stored_for(postgres_url, handle) == [1]

        explained = await wait_answer(
            await standin.invoke_command("explain", {"iteration": 1, "run": 1})
        )
        assert "x_1 = 1.0400000" in embed_text(explained)
        step = await standin.click(answer, button(answer, "Explain step")["custom_id"])
        assert "Iteration 0 (of 0–99)" in embed_text(await wait_answer(step))
        rerun = await standin.click(answer, button(answer, "lr ×2")["custom_id"])
        again = await wait_answer(rerun)
        assert "lr = 0.02" in embed_text(again) and "run #2" in embed_text(again)
        assert len(answered_by(rerun, w1, w2)) == 1

        compared_handle = await standin.invoke_command("compare", {"lrs": "0.01 0.1"}, locale="ja")
        compared = await wait_answer(compared_handle)
        assert "0.1" in embed_text(compared) and compared.attachments
        compare_runs = stored_for(postgres_url, compared_handle)
        assert len(compare_runs) == 2  # each rate's run, keyed by the interaction and its part

        raced_handle = await standin.invoke_command("race", {})
        assert (await raced_handle.wait_callback()).type == 5  # a worker computes it
        raced = await wait_answer(raced_handle)
        race_runs = stored_for(postgres_url, raced_handle)
        assert len(race_runs) == 4 and raced.attachments
        for method, steps in (("SGD", 78), ("Newton", 4)):
            assert f"**{method}**: {steps} steps" in embed_text(raced)
        assert f"run #{max(race_runs)}" in embed_text(raced)
        assert len(answered_by(raced_handle, w1, w2, kind="race")) == 1
        standin.assert_no_violations()
        mentions_disabled_everywhere(standin)
    tokens = {handle.token, rerun.token, standin.token}
    for log in tmp_path.glob("*.log"):  # gateway.log, w1.log, w2.log
        text = log.read_text(errors="replace")
        assert not any(token in text for token in tokens), log.name


async def test_a_worker_killed_mid_job_its_job_is_redelivered_and_answered_once(
    standin: StandIn,
    tmp_path: Path,
    redis_server: RedisServer,
    postgres_url: str,
    record_figure: Callable[..., None],
) -> None:
    """Two workers; the one computing a 100,000-step /solve is SIGKILLed mid-job.

    Holds: the other worker takes the job over once it has been idle for redelivery_seconds,
    and the user gets one answer (one message, its picture added once), its run stored once.
    """
    config = scaled_config(tmp_path, standin, redis_server.url, postgres_url)
    async with gateway(standin, config), workers(standin, config, "w1", "w2") as (w1, w2):
        handle = await standin.invoke_command("solve", SLOW)
        took = f"took solve for interaction {handle.id}"
        await asyncio.wait(
            [asyncio.ensure_future(wait_for_log(w, took)) for w in (w1, w2)],
            return_when=asyncio.FIRST_COMPLETED,
        )
        victim, survivor = (w1, w2) if took in w1.log() else (w2, w1)
        victim.kill()
        killed = time.monotonic()
        answer = await wait_answer(handle, timeout=120)
        record_figure("redelivery_seconds", REDELIVERY, "s")
        record_figure("answered after the kill", round(time.monotonic() - killed, 1), "s")
        assert "steps = 100000" in embed_text(answer)
        answered_once(handle, answer)
        assert answered_by(handle, w1, w2) == [survivor]
        assert "took over job" in survivor.log()
        assert len(stored_for(postgres_url, handle)) == 1
        standin.assert_no_violations()


async def test_jobs_queued_across_a_redis_restart_are_answered_and_redis_down_is_said(
    standin: StandIn,
    tmp_path: Path,
    redis_server: RedisServer,
    postgres_url: str,
    record_figure: Callable[..., None],
) -> None:
    """A /solve is queued with no worker running; Redis is restarted (append-only file);
    a Japanese /solve comes while it is down; then a worker starts.

    Holds: the queued job survives the restart and is answered once; the one sent while Redis
    was down is told in Japanese that the queue is unreachable and to try again; the gateway
    queues again without a restart.
    """
    config = scaled_config(tmp_path, standin, redis_server.url, postgres_url)
    async with gateway(standin, config):
        queued = await standin.invoke_command("solve", {"steps": 7})
        assert (await queued.wait_callback()).type == 5  # queued; no worker is running yet
        redis_server.stop()
        down = await (await standin.invoke_command("solve", {}, locale="ja")).wait_final()
        # The deferred message says so (a public defer stays public, as on Discord).
        assert embed_text(down).strip() == t("ja", "queue.down")
        redis_server.start()
        async with workers(standin, config, "w1") as _:
            answer = await wait_answer(queued)
            assert "steps = 7" in embed_text(answer)
            answered_once(queued, answer)
            after = await wait_answer(await standin.invoke_command("solve", {"steps": 8}))
            assert "steps = 8" in embed_text(after)
        record_figure("queued across the restart, answered", "1 of 1")
        record_figure("sent while Redis was down", "told to try again (Japanese)")
        standin.assert_no_violations()


async def test_postgres_down_is_a_polite_answer_from_the_worker_and_it_recovers(
    standin: StandIn,
    tmp_path: Path,
    redis_server: RedisServer,
    record_figure: Callable[..., None],
) -> None:
    """PostgreSQL is stopped while the gateway and a worker run; a Japanese /solve comes.

    Holds: the worker answers it through the webhook with the polite "can't reach the
    database" in Japanese, well within Discord's window, nothing is stored; once PostgreSQL
    is back the next /solve is answered and stored, with no restart.
    """
    server = started_server()  # its own: stopping it leaves the session's server alone
    try:
        url = server.new_database()
        config = scaled_config(tmp_path, standin, redis_server.url, url)
        async with gateway(standin, config), workers(standin, config, "w1") as _:
            first = await wait_answer(await standin.invoke_command("solve", {"steps": 5}))
            assert "run #1" in embed_text(first)
            server.stop()
            handle = await standin.invoke_command("solve", {"steps": 6}, locale="ja")
            polite = t("ja", "bot.storage_down")
            failed = await standin.signal.wait_for(
                lambda: next(
                    (m for m in handle.visible_messages() if embed_text(m).strip() == polite),
                    None,
                ),
                30,
                "the polite answer",
            )
            # Within Discord's 15 minutes by far: the pool gives up on a connection after 2 s.
            assert failed.created_at - handle.created < 30
            record_figure("polite answer after", round(failed.created_at - handle.created, 2), "s")
            server.start()
            again = await wait_answer(await standin.invoke_command("solve", {"steps": 5}))
            assert "run #2" in embed_text(again)  # the failed run was not stored
            standin.assert_no_violations()
    finally:
        server.remove()


async def test_the_gateway_killed_while_its_job_computes_the_worker_still_answers(
    standin: StandIn, tmp_path: Path, redis_server: RedisServer, postgres_url: str
) -> None:
    """The gateway process that deferred a 100,000-step /solve is SIGKILLed while a worker
    computes it.

    Holds: the worker still answers (through the interaction's webhook, no gateway needed),
    once, and stores the run once; it showed "iteration k / n" while computing.
    """
    config = scaled_config(tmp_path, standin, redis_server.url, postgres_url)
    async with workers(standin, config, "w1") as (w1,):
        async with gateway(standin, config) as bot:
            handle = await standin.invoke_command("solve", SLOW)
            await wait_for_log(w1, f"took solve for interaction {handle.id}")
            bot.process.kill()
            await bot.process.wait()
        answer = await wait_answer(handle, timeout=120)
        assert "steps = 100000" in embed_text(answer)
        answered_once(handle, answer)
        assert stored_for(postgres_url, handle) == [1]
        # While it computed, the worker showed its progress on the deferred message.
        shown = [e.snapshot.get("content") or "" for e in handle.edits]
        assert any(text.startswith("Iteration ") and " / 100000 · x = " in text for text in shown)


async def test_a_job_past_the_token_life_is_dropped_with_a_log_line(
    standin: StandIn, tmp_path: Path, redis_server: RedisServer
) -> None:
    """A job whose interaction was created 15 minutes and a second ago reaches a worker.

    Holds: it is dropped with a log line saying why; nothing is sent to Discord.
    """
    config = write_config(
        tmp_path, standin, queue={"url": redis_server.url}, limits={"render_processes": 0}
    )
    queue = JobQueue(load_config(config))
    await queue.start()
    try:
        async with workers(standin, config, "w1") as (w1,):
            caller = Caller(user_id=1, channel_id=2)
            old = Job("solve", {"steps": 3}, caller, 123, 456, "tok", time.time() - 15 * 60 - 1)
            await queue.submit(old)
            await wait_for_log(w1, "dropped solve for interaction 123")
            assert "past Discord's 15-minute token" in w1.log()
            assert not standin.message_requests()
    finally:
        await queue.close()


async def test_a_worker_beats_its_heartbeat_serves_metrics_and_logs_json_lines(
    standin: StandIn, tmp_path: Path, redis_server: RedisServer, postgres_url: str
) -> None:
    """A worker with its own config: JSON logs, a metrics port, its own heartbeat file.

    Holds: while it reaches Redis the worker touches its heartbeat, so the compose file's
    `python -m bot --config worker.toml --healthcheck` passes; /metrics counts the job's wait in
    the stream and its run time; its log lines are JSON carrying the interaction id, and never
    the interaction's token.
    """
    config = scaled_config(tmp_path, standin, redis_server.url, postgres_url)
    port = free_port()  # for the worker's metrics
    alone = tmp_path / "worker"
    alone.mkdir()
    worker_config = write_config(
        alone,
        standin,
        storage={"url": postgres_url},
        queue={"url": redis_server.url, "redelivery_seconds": REDELIVERY},
        limits={"workers": 1, "render_processes": 0, "cooldown_seconds": 0},
        metrics={"port": port},
        logging={"format": "json"},
    )
    async with gateway(standin, config), workers(standin, worker_config, "w") as (worker,):
        handle = await standin.invoke_command("solve", {})
        assert "x=1.4142133" in embed_text(await wait_answer(handle))
        heartbeat = alone / "heartbeat"
        async with asyncio.timeout(30):
            while not heartbeat.exists():
                await asyncio.sleep(0.1)
        check = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--config", str(worker_config), "--healthcheck", cwd=ROOT
        )
        assert await check.wait() == 0
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/metrics") as response,
        ):
            scraped = await response.text()
        assert "gd_tutor_stream_wait_seconds_count 1.0" in scraped
        assert "gd_tutor_job_seconds_count 0.0" not in scraped
        lines = [json.loads(line) for line in worker.log().splitlines() if line.startswith("{")]
        answered = [line for line in lines if line["message"].startswith("answered solve")]
        assert [line["interaction"] for line in answered] == [int(handle.id)]
        assert handle.token not in worker.log()
