"""Shared fixtures. The Discord stand-in: `standin` (started) and `pointed_standin` (plus discord.py
pointed at it). The production bot against it: `shared_bot` and `own_bot` (tests/bot_fixtures.py).
Other clients: `async with running_client(client, standin): ...` (see discord_standin).
PostgreSQL: `postgres_server` (one per session) and `postgres_url` (a fresh database). Run
stores on both backends: `backend` and `store` (tests/store_backends.py)."""

from collections.abc import AsyncIterator, Iterator

import pytest
from discord_standin import StandIn, point_discord_at
from postgres_server import PostgresServer, started_server

# reliability_record: figures for docs/reliability.md and no token in any log
pytest_plugins = ["reliability_record", "bot_fixtures", "store_backends"]


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """A started stand-in on a free loopback port; closed after the test."""
    async with StandIn() as server:
        yield server


@pytest.fixture
async def pointed_standin(standin: StandIn) -> AsyncIterator[StandIn]:
    """The stand-in, with discord.py's REST base and gateway URL pointed at it for the test."""
    with point_discord_at(standin):
        yield standin


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole session, stopped and removed at the end."""
    server = started_server()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of a fresh, empty database on the session's server."""
    return postgres_server.new_database()
