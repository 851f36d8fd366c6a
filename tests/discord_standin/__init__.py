"""A local stand-in for Discord's REST API and gateway, for testing a real discord.py client.

Usage (see tests/conftest.py for the fixtures):

    async with StandIn() as standin, running_client(client, standin):
        await client.tree.sync(guild=discord.Object(int(standin.guild_id)))
        handle = await standin.invoke_command("ping", {"x": 2.5})
        message = await handle.wait_final()
"""

from .interactions import InteractionHandle
from .pointing import apply as point_urls
from .pointing import point_discord_at
from .records import Attachment, CallbackRecord, Edit, Fault, Message, RequestRecord, Violation
from .running import running_client
from .server import StandIn

__all__ = [
    "Attachment",
    "CallbackRecord",
    "Edit",
    "Fault",
    "InteractionHandle",
    "Message",
    "RequestRecord",
    "StandIn",
    "Violation",
    "point_discord_at",
    "point_urls",
    "running_client",
]
