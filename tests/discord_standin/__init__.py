"""A local stand-in for Discord's REST API and gateway, for testing a real discord.py client.

In process (fixtures `standin` and `pointed_standin` are in tests/conftest.py):

    async with StandIn() as standin, running_client(client, standin):
        await client.tree.sync(guild=discord.Object(int(standin.guild_id)))
        handle = await standin.invoke_command("solve", {"x0": 2.0}, locale="ja")
        callback = await handle.wait_callback()     # CallbackRecord: type, data, ephemeral
        message = await handle.wait_final()         # Message: content, embeds, attachments (bytes)
        click = await standin.click(message, message.buttons()[0]["custom_id"])
        standin.assert_no_violations()

Through a user's own install (global commands whose integration_types hold 1): in their DM
with the bot, `invoke_command("solve", dm=True, user_install=True)` (context 1, no guild,
`user` instead of `member`); in a guild the bot has not joined, `elsewhere=True` (context 0,
`standin.foreign_guild_id`, authorizing_integration_owners {"1": user id} only). Clicks on
the answers come through the same install.

The production bot as a subprocess (tests/run_bot_against_standin.py, DISCORD_TOKEN set for it):

    async with running_bot(standin, "--config", str(config_path), cwd=tmp_path) as bot:
        handle = await standin.invoke_command("help")   # bot.log() has its output

Rules enforced (each breach is answered as Discord does and kept in `standin.violations`):
first callback within 3 s (10062), one callback (40060), webhooks only after it (10015),
message limits (50035), empty messages (50006), uploads over 10 MiB (40005), command schemas
(with their integration_types and contexts).
Faults: `standin.fail_next(method, path_regex, status=429 | 500)`; gateway drops:
`await standin.drop_gateway(code=4000 | None, resumable=True)`.
"""

from .bot_process import BotProcess, running_bot
from .interactions import InteractionHandle
from .pointing import apply as point_urls
from .pointing import point_discord_at
from .records import Attachment, CallbackRecord, Edit, Fault, Message, RequestRecord, Violation
from .running import running_client
from .server import StandIn

__all__ = [
    "Attachment",
    "BotProcess",
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
    "running_bot",
    "running_client",
]
