"""Run an in-process discord.py client against a stand-in for the length of a block."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, TypeVar

import discord

from .pointing import point_discord_at

if TYPE_CHECKING:
    from .server import StandIn

ClientT = TypeVar("ClientT", bound=discord.Client)


@contextlib.asynccontextmanager
async def running_client(
    client: ClientT, standin: StandIn, *, timeout: float = 15.0
) -> AsyncIterator[ClientT]:
    """Start `client` with the stand-in's token, wait for READY, close it on exit.

    discord.py stays pointed at the stand-in inside the block. A client that dies while starting
    (bad token, failed setup_hook, ...) raises here instead of timing out.
    """
    with point_discord_at(standin):
        task = asyncio.create_task(client.start(standin.token), name="standin-client")
        ready = asyncio.create_task(standin.wait_ready(timeout))
        try:
            await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                task.result()  # raises what stopped the client
                raise RuntimeError("stand-in: the client stopped before READY")
            ready.result()
            yield client
        finally:
            ready.cancel()
            await client.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout)
