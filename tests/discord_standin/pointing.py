"""Point an in-process discord.py at a stand-in (and put it back afterwards)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import discord.gateway
import discord.http
import yarl


def apply(rest_base: str, gateway_url: str) -> None:
    """Make every REST route and the gateway connection of discord.py go to these URLs.

    `Route.BASE` builds every REST URL (interaction callbacks and webhooks included);
    `DiscordWebSocket.DEFAULT_GATEWAY` (a yarl.URL) is where a plain Client connects;
    `_set_api_version` would rewrite `Route.BASE`, so it is wrapped to keep ours.
    """
    discord.http.Route.BASE = rest_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    original = getattr(
        discord.http._set_api_version, "__standin_original__", discord.http._set_api_version
    )

    def set_api_version(value: int) -> None:
        original(value)
        discord.http.Route.BASE = rest_base

    set_api_version.__standin_original__ = original  # type: ignore[attr-defined]
    discord.http._set_api_version = set_api_version


@contextmanager
def point_discord_at(standin: object) -> Iterator[None]:
    """Within the block, discord.py talks to `standin` (anything with rest_base and gateway_url)."""
    saved = (
        discord.http.Route.BASE,
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        discord.http._set_api_version,
    )
    apply(standin.rest_base, standin.gateway_url)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        (
            discord.http.Route.BASE,
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
            discord.http._set_api_version,
        ) = saved
