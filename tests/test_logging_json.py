"""JSON log lines: one object a line, the shard, interaction and job they concern, no secret."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from pathlib import Path
from typing import Any

from bot_harness import ROOT, wait_answer, write_config
from discord_standin import StandIn, running_bot

from bot.logs import JsonFormatter, Redactor, TextFormatter, log_context


def capture(formatter: logging.Formatter) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger(f"test.logs.{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_ids_set_around_a_handler_reach_the_tasks_it_starts() -> None:
    logger, stream = capture(JsonFormatter(Redactor([])))

    async def handler() -> None:
        logger.info("in a task")

    logger.info("before")
    with log_context(shard=1, interaction=1234567890123456789):
        task = asyncio.create_task(handler())
        with log_context(job="job-7"):
            logger.warning("queued %s", "x")
    await task
    logger.info("after")
    before, queued, in_task, after = lines(stream)
    assert set(before) == {"time", "level", "logger", "message"}
    assert before["message"] == "before" and before["level"] == "INFO"
    assert before["time"].endswith("+00:00") and "T" in before["time"]
    assert queued["message"] == "queued x" and queued["level"] == "WARNING"
    assert (queued["shard"], queued["interaction"], queued["job"]) == (
        1,
        1234567890123456789,
        "job-7",
    )
    assert (in_task["shard"], in_task["interaction"]) == (1, 1234567890123456789)
    assert "job" not in in_task and "shard" not in after


def test_secrets_and_interaction_tokens_are_taken_out_of_both_formats() -> None:
    secret = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gx1234.very-secret-bot-token"
    webhook_token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA"
    url = f"https://discord.com/api/v10/webhooks/123456789012345678/{webhook_token}/messages/@original"
    callback = f"/api/v10/interactions/987654321098765432/{webhook_token}/callback"
    for formatter in (JsonFormatter(Redactor([secret])), TextFormatter(Redactor([secret]))):
        logger, stream = capture(formatter)
        logger.warning("PATCH %s responded with 429; token %s; %s", url, secret, callback)
        try:
            raise RuntimeError(f"failed at {url}")
        except RuntimeError:
            logger.exception("with a traceback")
        text = stream.getvalue()
        assert secret not in text and webhook_token not in text
        assert "/webhooks/123456789012345678/***/messages/@original" in text
        assert "/interactions/987654321098765432/***/callback" in text


async def test_python_m_bot_writes_json_lines_without_its_token(tmp_path: Path) -> None:
    """Holds: with [logging] format = "json" every line the bot writes is a JSON object; the
    /solve's lines carry its interaction id and shard 0; the bot token (in its environment)
    and the interaction's token never appear, also when the answer's edit is rate limited
    (discord.py warns about it; its DEBUG lines would name the webhook URL: redacted above)."""
    async with StandIn() as standin:
        config = write_config(
            tmp_path, standin, logging={"format": "json"}, limits={"render_processes": 0}
        )
        log_path = tmp_path / "bot.log"
        async with running_bot(
            standin, "--config", str(config), cwd=ROOT, log_path=log_path
        ) as bot:
            await standin.wait_commands("solve")
            limited = standin.fail_next(
                "PATCH", r"/webhooks/.*/messages/@original", status=429, retry_after=0.2
            )
            handle = await standin.invoke_command("solve", {"x0": 1, "lr": 0.01})
            await wait_answer(handle)
            assert limited.hits
        text = bot.log()
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
    about = [r for r in records if r.get("interaction") == int(handle.id)]
    assert about and {r["shard"] for r in about} == {0}
    warning = [r for r in records if "rate limited" in r["message"]]
    assert warning and warning[0]["level"] == "WARNING"
    assert standin.token not in text and handle.token not in text
    standin.assert_no_violations()
