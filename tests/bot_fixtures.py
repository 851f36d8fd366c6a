"""Fixtures for "the production bot running against the stand-in" (registered in conftest.py).

* `shared_bot`: one bot per test module, booted on the first use with the default test config
  (no cooldown). Each test gets its own user and its own channel on the module's stand-in, so
  "your latest run in this channel" and per-user limits start afresh; run ids, the stored runs
  and the stand-in's records (messages, requests, violations) are the module's.
* `own_bot`: a bot booted for this test alone, on the test's `standin` with storage under
  `tmp_path`; `@pytest.mark.bot_config(limits={"cooldown_seconds": 60})` adds config sections.
  For tests that need a special config, restart the bot (`await own_bot.restart()`) or break it.

Both boot it the production way (`run_discord`, see bot_harness) and yield a `LiveBot`. A test
that must act before the bot starts (patch what start-up builds, capture start-up logs) runs
`async with bot_in_process(standin, write_config(tmp_path, standin))` itself.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bot_harness import start_bot, stop_bot, write_config
from discord_standin import StandIn, point_discord_at

_seats = itertools.count(1)


@dataclass
class LiveBot:
    """A running bot: the stand-in it talks to, its config file and the `run_discord` task."""

    standin: StandIn
    config_path: Path
    task: asyncio.Task[None]

    @property
    def data_dir(self) -> Path:
        """The folder of its SQLite file (`runs.sqlite3`) and heartbeat."""
        return self.config_path.parent

    async def restart(self) -> None:
        """Stop the bot and start it again on the same config, as a new process would."""
        await stop_bot(self.task)
        self.task = await start_bot(self.standin, self.config_path)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that configures `own_bot`."""
    config.addinivalue_line(
        "markers",
        "bot_config(**sections): config sections for the test's own_bot, "
        'e.g. limits={"cooldown_seconds": 60}',
    )


def _config_sections(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    marker = request.node.get_closest_marker("bot_config")
    if marker is None:
        return {}
    assert not marker.args, "bot_config takes config sections as keywords"
    return dict(marker.kwargs)


@pytest.fixture(scope="module")
async def _module_bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveBot]:
    """The module's stand-in and the bot serving it, for `shared_bot`."""
    directory = tmp_path_factory.mktemp("shared-bot")
    async with StandIn() as standin:
        with point_discord_at(standin):
            config_path = write_config(directory, standin)
            bot = LiveBot(standin, config_path, await start_bot(standin, config_path))
            try:
                yield bot
            finally:
                await stop_bot(bot.task)


@pytest.fixture
async def shared_bot(
    request: pytest.FixtureRequest, _module_bot: LiveBot
) -> AsyncIterator[LiveBot]:
    """The module's bot; the stand-in's default user and channel are new for this test."""
    assert request.node.get_closest_marker("bot_config") is None, "bot_config needs own_bot"
    standin = _module_bot.standin
    assert not _module_bot.task.done(), "the module's bot stopped in an earlier test"
    seat = next(_seats)
    standin.user = standin.make_user(f"tester{seat}")
    standin.channel_id = await standin.create_channel(f"test-{seat}")
    # discord.py may point elsewhere after an own_bot test: point it back for this test.
    with point_discord_at(standin):
        yield _module_bot


@pytest.fixture
async def own_bot(
    request: pytest.FixtureRequest, standin: StandIn, tmp_path: Path
) -> AsyncIterator[LiveBot]:
    """A bot for this test alone on `standin`, configured by its `bot_config` marker."""
    config_path = write_config(tmp_path, standin, **_config_sections(request))
    with point_discord_at(standin):
        bot = LiveBot(standin, config_path, await start_bot(standin, config_path))
        try:
            yield bot
        finally:
            await stop_bot(bot.task)
