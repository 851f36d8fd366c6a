"""Gateway sharding: the IDENTIFY pacing, the stand-in's routing, and `python -m bot` on shards.

End to end, the bot runs as production starts it (`python -m bot --config FILE`) against a
stand-in that routes each guild's interactions to shard (guild_id >> 22) % shard_count and DMs
to shard 0, and that counts an IDENTIFY sooner than 5 s after another of its bucket as a breach.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bot_harness import ROOT, embed_text, run_id_of, wait_answer, write_config
from discord_standin import BotProcess, InteractionHandle, StandIn, running_bot, running_client
from discord_standin.payloads import snowflake_on_shard
from discord_standin.shards import parse_shard, shard_of

from bot.config import load_config
from bot.discord_app.client import TutorClient
from bot.discord_app.identify import IDENTIFY_GAP, SPACING, IdentifyPacer
from bot.runtime import build_tutor, close_tutor

# --- the IDENTIFY pacing, on a clock of its own ------------------------------------------------


class Clock:
    """Wall-clock time that moves only when the pacer sleeps."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def identify_times(
    shard_ids: list[int], count: int, max_concurrency: int, start: float, *, clustered: bool
) -> list[float]:
    """When one process identifies these shards in turn (as discord.py launches them)."""
    clock = Clock(start)
    pacer = IdentifyPacer(
        count, max_concurrency, clustered=clustered, clock=clock.time, sleep=clock.sleep
    )
    times = []
    for shard_id in shard_ids:
        await pacer.wait(shard_id)
        times.append(clock.now)
    return times


async def test_one_process_identifies_a_bucket_5_s_apart_and_other_buckets_at_once() -> None:
    times = await identify_times([0, 1, 2, 3, 4], 5, 2, 1000.0, clustered=False)
    assert [t - 1000.0 for t in times] == [0.0, 0.0, SPACING, SPACING, 2 * SPACING]


async def test_a_reconnecting_shard_waits_for_its_own_bucket() -> None:
    times = await identify_times([0, 0, 1], 2, 2, 50.0, clustered=False)
    assert [t - 50.0 for t in times] == [0.0, SPACING, SPACING]


@pytest.mark.parametrize("offset", [i / 10 for i in range(0, 130, 3)])
async def test_two_processes_never_identify_one_bucket_within_5_s(offset: float) -> None:
    """Processes A (shards 0 and 2) and B (shards 1 and 3) of 4, max_concurrency 1, started
    `offset` s apart at any moment: every pair of their IDENTIFYs is at least 5 s apart."""
    start = 1_764_460_000.123
    a = await identify_times([0, 2, 0], 4, 1, start, clustered=True)
    b = await identify_times([1, 3], 4, 1, start + offset, clustered=True)
    for first, second in itertools.combinations(sorted(a + b), 2):
        assert second - first >= SPACING - 1e-9, (a, b)
    assert max(a + b) - start < 4 * 6 * 3  # each waits at most a few turns of the buckets


async def test_shards_alone_in_their_bucket_identify_at_once_even_in_a_cluster() -> None:
    assert await identify_times([2, 3], 4, 4, 77.7, clustered=True) == [77.7, 77.7]


# --- the stand-in's sharding -------------------------------------------------------------------


def test_a_guild_made_for_a_shard_is_routed_to_it() -> None:
    for count in (1, 2, 3, 16):
        for shard in range(count):
            guild_id = snowflake_on_shard(shard, count)
            assert shard_of(guild_id, count) == shard == (int(guild_id) >> 22) % count
    assert shard_of(None, 7) == 0


def test_identify_shard_field_is_checked() -> None:
    assert parse_shard(None) == (0, 1)
    assert parse_shard([1, 2]) == (1, 2)
    for bad in ([2, 2], [-1, 2], [0, 0], [0], "0,1", [True, 2], [0.0, 1]):
        assert isinstance(parse_shard(bad), str), bad


# --- python -m bot on shards, against the stand-in ---------------------------------------------


def log_lines(bot: BotProcess) -> list[dict[str, Any]]:
    """The JSON objects of a bot's log (every line must be one)."""
    return [json.loads(line) for line in bot.log().splitlines() if line.strip()]


def handled_by(bot: BotProcess, handle: InteractionHandle) -> list[dict[str, Any]]:
    """The bot's log lines about this interaction."""
    return [line for line in log_lines(bot) if line.get("interaction") == int(handle.id)]


def shard_config(
    directory: Path, standin: StandIn, shard_ids: list[int], *, sync: bool, database: str = ""
) -> Path:
    directory.mkdir()
    return write_config(
        directory,
        standin,
        discord={"dev_guild_id": 0, "sync_global": sync, "shard_count": 2, "shard_ids": shard_ids},
        logging={"format": "json"},
        limits={"cooldown_seconds": 0, "render_processes": 0},
        storage={"url": database},
    )


async def healthcheck(config: Path) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), "--healthcheck", cwd=ROOT
    )
    return await process.wait()


async def solve_in(standin: StandIn, guild: str | None) -> InteractionHandle:
    """/solve in a guild's channel (None: in a DM) and its answer with the article's x."""
    if guild is None:
        handle = await standin.invoke_command("solve", {"x0": 1, "lr": 0.01}, dm=True)
    else:
        channel = standin.channel_of(guild)
        handle = await standin.invoke_command("solve", {"x0": 1, "lr": 0.01}, channel=channel)
    assert "x=1.4142133" in embed_text(await wait_answer(handle))
    return handle


async def explain_in(standin: StandIn, guild: str, run_id: int) -> InteractionHandle:
    """/explain iteration:1 of run #run_id in a guild's channel, with the article's numbers."""
    handle = await standin.invoke_command(
        "explain", {"iteration": 1, "run": run_id}, channel=standin.channel_of(guild)
    )
    text = embed_text(await handle.wait_final())
    assert "-3.8205440" in text and "1.0782053" in text
    return handle


async def test_two_gateway_processes_each_answer_the_interactions_of_their_shard(
    tmp_path: Path, postgres_url: str
) -> None:
    """Holds: process A (shard 0 of 2) and B (shard 1 of 2), sharing one PostgreSQL, each get
    READY and the guilds of their shard only, pace their IDENTIFYs across processes, and each
    /solve (in a guild of either shard, or a DM, which Discord sends on shard 0) is answered
    exactly once, by the process of its shard; /explain of a run the other process stored is
    answered from the database; both pass the health check."""
    standin = StandIn(shard_count=2, max_concurrency=1, strict_identify_pace=True)
    async with standin, contextlib.AsyncExitStack() as stack:
        guilds = {shard: standin.add_guild(shard) for shard in (0, 1)}
        configs = {
            0: shard_config(tmp_path / "a", standin, [0], sync=True, database=postgres_url),
            1: shard_config(tmp_path / "b", standin, [1], sync=False, database=postgres_url),
        }
        # Both at once, as a cluster starts: only the pacing keeps their IDENTIFYs 5 s apart.
        started = await asyncio.gather(
            *(
                stack.enter_async_context(
                    running_bot(standin, "--config", str(configs[shard]), cwd=ROOT)
                )
                for shard in (0, 1)
            )
        )
        bots = dict(enumerate(started))
        await standin.wait_shards(2)
        await standin.wait_commands("solve")
        for (shard_id, count), session in standin.gateway.by_shard.items():
            sent = {e["d"]["id"] for e in session.events if e["t"] == "GUILD_CREATE"}
            assert count == 2 and sent == {g for g in standin.guilds if shard_of(g, 2) == shard_id}
        handles = {
            (0, "guild"): await solve_in(standin, guilds[0]),
            (1, "guild"): await solve_in(standin, guilds[1]),
            (0, "dm"): await solve_in(standin, None),
        }
        for (shard, _), handle in handles.items():
            assert handle.shard == (shard, 2)
            assert handle.callback is not None and len(handle.messages) >= 1
            mine, other = bots[shard], bots[1 - shard]
            assert {line["shard"] for line in handled_by(mine, handle)} == {shard}
            assert handled_by(other, handle) == []
        # Each explains the run the other process stored.
        for shard in (0, 1):
            run_id = run_id_of(handles[(1 - shard, "guild")].messages[0])
            handle = await explain_in(standin, guilds[shard], run_id)
            assert handle.shard == (shard, 2) and handled_by(bots[1 - shard], handle) == []
        assert sorted(i.shard for i in standin.gateway.identify_log.identifies) == [(0, 2), (1, 2)]
        for config in configs.values():
            heartbeat = config.parent / "heartbeat"
            await until(heartbeat.exists, "the first heartbeat, once the shard is ready")
            assert await healthcheck(config) == 0
        standin.assert_no_violations()


async def test_one_process_runs_both_shards(tmp_path: Path) -> None:
    """Holds: shard_count 2 without shard_ids connects shards 0 and 1 from one process, 5 s
    apart (max_concurrency 1), and answers /solve in a guild of each shard."""
    standin = StandIn(shard_count=2, max_concurrency=1, strict_identify_pace=True)
    async with standin:
        guilds = [standin.add_guild(0), standin.add_guild(1)]
        config = shard_config(tmp_path / "both", standin, [], sync=True)
        async with running_bot(standin, "--config", str(config), cwd=ROOT) as bot:
            await standin.wait_shards(2)
            await standin.wait_commands("solve")
            for shard, guild in enumerate(guilds):
                handle = await solve_in(standin, guild)
                assert handle.shard == (shard, 2)
                assert {line["shard"] for line in handled_by(bot, handle)} == {shard}
            # A shard answers as soon as it is connected; discord.py's on_ready (the first
            # heartbeat) waits for every shard's guilds, a moment later.
            heartbeat = config.parent / "heartbeat"
            await until(heartbeat.exists, "the first heartbeat, once both shards are ready")
            assert await healthcheck(config) == 0
        gaps = standin.gateway.identify_log.gaps()
        assert list(gaps) == [0] and all(gap >= IDENTIFY_GAP for gap in gaps[0])
        standin.assert_no_violations()


async def until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Wait for a condition on the client's own state (the stand-in is not told of it)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


async def test_the_heartbeat_waits_for_every_shard_of_the_process(tmp_path: Path) -> None:
    """Holds: with shards 0 and 1 in one client, health (`ws_closed`) is good only while both are
    connected: dropping shard 1 alone makes it bad until that shard is back."""
    standin = StandIn(shard_count=2, max_concurrency=2)
    async with standin:
        standin.add_guild(0)
        standin.add_guild(1)
        config = load_config(shard_config(tmp_path / "c", standin, [], sync=False))
        tutor = build_tutor(config)
        try:
            client = TutorClient(config, tutor)
            async with running_client(client, standin):
                await standin.wait_shards(2)
                await until(client.is_ready, "the client to be ready")
                assert sorted(client.shards) == [0, 1] and not client.ws_closed()
                # Not resumable: shard 1 identifies anew, after its bucket's 5 s (seconds down).
                await standin.drop_gateway(4000, resumable=False, shard=(1, 2))
                await until(client.ws_closed, "shard 1 to be seen closed")
                assert not client.get_shard(0).is_closed()
                await standin.signal.wait_for(
                    lambda: standin.gateway.identifies == 3, 30, "shard 1 to identify again"
                )
                await until(lambda: not client.ws_closed(), "every shard to be connected")
                assert standin.gateway.by_shard[(1, 2)].connection is not None
        finally:
            await asyncio.to_thread(close_tutor, tutor)
        standin.assert_no_violations()
