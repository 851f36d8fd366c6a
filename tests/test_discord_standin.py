"""The Discord stand-in against the real discord.py client (and raw HTTP/websocket checks)."""

from __future__ import annotations

import asyncio
import io
import json
import struct
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord_standin import StandIn, point_discord_at, running_bot, running_client


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x80\x20\x10" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = _png(4, 3)
FRUITS = ("apple", "apricot", "banana", "cherry")
NO_MENTIONS = discord.AllowedMentions.none()


@dataclass
class Bot:
    """A plain discord.py client with a few app commands, as a bot author would write them."""

    client: discord.Client
    tree: app_commands.CommandTree
    errors: list[BaseException] = field(default_factory=list)
    http_codes: list[int] = field(default_factory=list)


class Counter(discord.ui.View):
    """A button that counts its clicks by editing its own message (callback type 7)."""

    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.count = 0

    @discord.ui.button(label="+1", custom_id="counter:add")
    async def add(
        self, interaction: discord.Interaction, button: discord.ui.Button[Counter]
    ) -> None:
        self.count += 1
        await interaction.response.edit_message(content=f"count {self.count}", view=self)

    @discord.ui.button(label="reset", custom_id="counter:reset")
    async def reset(
        self, interaction: discord.Interaction, button: discord.ui.Button[Counter]
    ) -> None:
        self.count = 0
        await interaction.response.defer()  # type 6: edit later
        await interaction.edit_original_response(content="count 0")

    @discord.ui.button(label="ask", custom_id="counter:ask")
    async def ask(
        self, interaction: discord.Interaction, button: discord.ui.Button[Counter]
    ) -> None:
        await interaction.response.send_modal(Question())


class Question(discord.ui.Modal, title="Question"):
    """A modal whose submission edits the message the button was on."""

    text: discord.ui.TextInput[Question] = discord.ui.TextInput(
        label="Your question", custom_id="ask:text"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=f"asked {self.text.value}")


def make_bot() -> Bot:
    """The client under test (default intents: nothing privileged)."""
    client = discord.Client(intents=discord.Intents.default())
    tree = app_commands.CommandTree(client)
    bot = Bot(client, tree)

    @tree.error
    async def on_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        bot.errors.append(error.__cause__ or error)

    @tree.command()
    @app_commands.describe(x="any number")
    async def ping(interaction: discord.Interaction, x: float) -> None:
        """Think, then answer with a picture; then one more message."""
        await interaction.response.defer(thinking=True)
        embed = discord.Embed(title=f"x = {x}").set_image(url="attachment://plot.png")
        picture = discord.File(io.BytesIO(PNG), filename="plot.png")
        await interaction.followup.send(
            f"pong {x}", file=picture, embed=embed, allowed_mentions=NO_MENTIONS, wait=True
        )
        await interaction.followup.send("done", allowed_mentions=NO_MENTIONS)

    @tree.command()
    async def hello(interaction: discord.Interaction) -> None:
        """Answer at once, mentioning the user without pinging."""
        await interaction.response.send_message(
            f"hello {interaction.user.mention}", allowed_mentions=NO_MENTIONS
        )

    @tree.command()
    async def slow(interaction: discord.Interaction) -> None:
        """Miss Discord's 3 s deadline."""
        await asyncio.sleep(3.2)
        await interaction.response.send_message("too late", allowed_mentions=NO_MENTIONS)

    @tree.command()
    async def long(interaction: discord.Interaction) -> None:
        """Hit the 2000-character limit, then recover."""
        try:
            await interaction.response.send_message("x" * 2001, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            bot.http_codes.append(exc.code)
            await interaction.response.send_message("short", allowed_mentions=NO_MENTIONS)

    @tree.command()
    @app_commands.describe(name="a fruit")
    async def fruit(interaction: discord.Interaction, name: str) -> None:
        """Pick a fruit (with autocomplete)."""
        await interaction.response.send_message(f"you picked {name}", allowed_mentions=NO_MENTIONS)

    @fruit.autocomplete("name")
    async def fruit_names(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f, value=f) for f in FRUITS if f.startswith(current)]

    @tree.command()
    async def secret(interaction: discord.Interaction) -> None:
        """Ephemeral defer, then edits through every route discord.py has."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("psst", allowed_mentions=NO_MENTIONS)
        original = await interaction.original_response()
        picture = discord.File(io.BytesIO(PNG), filename="late.png")
        await interaction.edit_original_response(
            content=f"{original.content}!", attachments=[picture]
        )
        extra = await interaction.followup.send("again", ephemeral=True, wait=True)
        await extra.edit(content="again!")

    @tree.command()
    async def counter(interaction: discord.Interaction) -> None:
        """A message with a button."""
        await interaction.response.send_message(
            "count 0", view=Counter(), allowed_mentions=NO_MENTIONS
        )

    return bot


@pytest.fixture
async def bot(standin: StandIn) -> AsyncIterator[Bot]:
    """make_bot() logged in to the stand-in, its commands synced to the stand-in guild."""
    made = make_bot()
    async with running_client(made.client, standin):
        guild = discord.Object(int(standin.guild_id))
        made.tree.copy_global_to(guild=guild)
        await made.tree.sync(guild=guild)
        yield made


async def test_startup_logs_in_identifies_and_syncs(standin: StandIn, bot: Bot) -> None:
    kinds = [r.kind for r in standin.requests]
    assert kinds[:2] == ["get_current_user", "get_application"]
    assert standin.gateway.identifies == 1
    assert standin.gateway.connections[0].compress == "zlib-stream"
    identify = next(f.d for f in standin.gateway.frames if f.op == 2)
    assert identify["token"] == standin.token
    assert identify["intents"] == discord.Intents.default().value
    assert bot.client.application_id == int(standin.application_id)
    assert bot.client.user is not None and bot.client.user.id == int(standin.application_id)
    assert bot.client.get_guild(int(standin.guild_id)) is not None

    ping = standin.command("ping")
    assert ping["guild_id"] == standin.guild_id and ping["id"].isdigit()
    assert ping["options"] == [
        {"type": 10, "name": "x", "description": "any number", "required": True}
    ]
    assert {c["name"] for c in standin.commands[standin.guild_id]} == {
        "ping",
        "hello",
        "slow",
        "long",
        "fruit",
        "secret",
        "counter",
    }
    standin.assert_no_violations()


async def test_defer_then_followups_fill_thinking_message_then_add_one(
    standin: StandIn, bot: Bot
) -> None:
    handle = await standin.invoke_command("ping", {"x": 2.5})
    callback = await handle.wait_callback()
    assert callback.type == 5 and not callback.ephemeral

    first, second = await handle.wait_messages(2)
    assert first is handle.original  # the first followup replaced the thinking message
    assert not first.loading and first.content == "pong 2.5"
    assert first.attachment("plot.png") is not None
    assert first.attachment("plot.png").data == PNG
    assert first.embed_attachment() is first.attachment("plot.png")
    assert first.embeds[0]["title"] == "x = 2.5"
    assert first.embeds[0]["image"]["width"] == 4
    assert first.allowed_mentions == {"parse": []}
    assert [e.request["content"] for e in handle.edits] == ["pong 2.5"]
    assert second.content == "done" and second.id != first.id
    assert (await handle.wait_final()) is second
    standin.assert_no_violations()


async def test_immediate_reply_and_mentions_disabled_everywhere(standin: StandIn, bot: Bot) -> None:
    user = standin.make_user("alice")
    handle = await standin.invoke_command("hello", user=user, locale="fr")
    (message,) = await handle.wait_messages(1)
    assert handle.callback is not None and handle.callback.type == 4
    assert message.content == f"hello <@{user['id']}>"
    assert message.interaction_metadata is not None
    assert message.interaction_metadata["user"]["id"] == user["id"]
    requests = standin.message_requests()
    assert requests and all(
        r.message_payload["allowed_mentions"] == {"parse": []} for r in requests
    )


async def test_rate_limit_and_server_error_on_followup_are_retried(
    standin: StandIn, bot: Bot
) -> None:
    followup = r"^/webhooks/\d+/[^/]+$"
    # discord.py waits 1 s after a first 5xx (3 s after a second attempt), retry_after after a 429.
    broken = standin.fail_next("POST", followup, status=500)
    limited = standin.fail_next("POST", followup, status=429, retry_after=0.2)
    handle = await standin.invoke_command("ping", {"x": 1.0})
    first, _ = await handle.wait_messages(2, timeout=10)
    assert first.content == "pong 1.0" and first.attachment("plot.png").data == PNG
    assert [h.status for h in broken.hits + limited.hits] == [500, 429]
    recovered = await limited.wait_recovered()
    assert recovered is await broken.wait_recovered()
    assert recovered.status == 200 and recovered.time > limited.hits[0].time
    assert recovered.files[0].data == PNG  # the upload was sent again in full
    standin.assert_no_violations()


async def test_dropped_gateway_resumes_and_replays_missed_events(
    standin: StandIn, bot: Bot
) -> None:
    await standin.drop_gateway(code=4000)
    missed = await standin.invoke_command("hello")  # sent while the bot is away
    await standin.wait_resumed(1)
    (message,) = await missed.wait_messages(1)
    assert message.content.startswith("hello")
    assert [e["t"] for e in standin.gateway.replayed] == ["INTERACTION_CREATE"]
    assert standin.gateway.identifies == 1 and standin.gateway.resumes == 1
    assert standin.gateway.connections[-1].path == "/gateway-resume"

    after = await standin.invoke_command("ping", {"x": 3.0})
    first, _ = await after.wait_messages(2)
    assert first.content == "pong 3.0"
    standin.assert_no_violations()


async def test_callback_after_three_seconds_is_unknown_interaction(
    standin: StandIn, bot: Bot
) -> None:
    handle = await standin.invoke_command("slow")
    violation = await standin.wait_violation("late_callback", timeout=8)
    assert violation.code == 10062
    late = [r for r in standin.requests if r.kind == "interaction_callback"]
    assert late[-1].status == 404 and late[-1].response == {
        "message": "Unknown interaction",
        "code": 10062,
    }
    assert handle.callback is None and handle.expired
    await standin.signal.wait_for(lambda: bot.errors, 5, "the bot's error handler")
    assert isinstance(bot.errors[0], discord.NotFound) and bot.errors[0].code == 10062


async def test_message_limit_is_rejected_and_interaction_stays_open(
    standin: StandIn, bot: Bot
) -> None:
    handle = await standin.invoke_command("long")
    (message,) = await handle.wait_messages(1)
    assert message.content == "short"
    assert bot.http_codes == [50035]
    assert [v.kind for v in standin.violations] == ["limit"]


async def test_autocomplete_round_trip(standin: StandIn, bot: Bot) -> None:
    choices = await standin.autocomplete("fruit", {"name": "ap"}, focused="name")
    assert choices == [{"name": "apple", "value": "apple"}, {"name": "apricot", "value": "apricot"}]
    handle = await standin.invoke_command("fruit", {"name": "cherry"})
    (message,) = await handle.wait_messages(1)
    assert message.content == "you picked cherry"
    standin.assert_no_violations()


async def test_button_click_edits_its_message(standin: StandIn, bot: Bot) -> None:
    handle = await standin.invoke_command("counter")
    (message,) = await handle.wait_messages(1)
    assert message.component("counter:add")["label"] == "+1"
    for expected in ("count 1", "count 2"):
        click = await standin.click(message, "counter:add")
        callback = await click.wait_callback()
        assert callback.type == 7 and callback.message is message
        assert message.content == expected
    assert [e.request["content"] for e in message.edits] == ["count 1", "count 2"]
    with pytest.raises(ValueError, match="absent"):
        await standin.click(message, "no-such-button")
    standin.assert_no_violations()


async def test_ephemeral_defer_original_response_and_edits(standin: StandIn, bot: Bot) -> None:
    handle = await standin.invoke_command("secret")
    assert (await handle.wait_callback()).ephemeral
    await standin.signal.wait_for(
        lambda: len(handle.visible_messages()) == 2 and handle.messages[1].content == "again!",
        5,
        "both edits",
    )
    first, extra = handle.messages
    assert first is handle.original and first.ephemeral and extra.ephemeral
    assert first.content == "psst!" and first.attachment("late.png").data == PNG
    assert [e.request.get("content") for e in handle.edits] == ["psst", "psst!"]
    assert [r.kind for r in standin.requests if r.path.startswith("/webhooks")] == [
        "webhook_execute",
        "webhook_message_get",
        "webhook_message_edit",
        "webhook_execute",
        "webhook_message_edit",
    ]
    standin.assert_no_violations()


async def test_deferred_update_and_modal_on_a_component(standin: StandIn, bot: Bot) -> None:
    handle = await standin.invoke_command("counter")
    (message,) = await handle.wait_messages(1)
    await (await standin.click(message, "counter:add")).wait_callback()
    reset = await standin.click(message, "counter:reset")
    assert (await reset.wait_callback()).type == 6
    assert (await reset.wait_final()) is message and message.content == "count 0"

    ask = await standin.click(message, "counter:ask")
    modal = await ask.wait_callback()
    assert modal.type == 9 and modal.data["title"] == "Question"
    submitted = await standin.submit_modal(ask, {"ask:text": "why?"})
    assert (await submitted.wait_callback()).type == 7
    assert message.content == "asked why?"
    standin.assert_no_violations()


async def test_rate_limited_command_sync_is_retried(standin: StandIn, bot: Bot) -> None:
    fault = standin.fail_next("PUT", r"/commands$", status=429, retry_after=0.1)
    synced = await bot.tree.sync(guild=discord.Object(int(standin.guild_id)))
    assert (await fault.wait_recovered()).kind == "bulk_overwrite_commands"
    assert sorted(str(c.id) for c in synced) == sorted(
        c["id"] for c in standin.commands[standin.guild_id]
    )


async def test_abnormal_close_resumes_and_invalid_session_reidentifies(
    standin: StandIn, bot: Bot
) -> None:
    await standin.drop_gateway(code=None)
    await standin.wait_resumed(1)
    await standin.drop_gateway(code=4000, resumable=False)
    await standin.signal.wait_for(lambda: standin.gateway.identifies == 2, 10, "a second IDENTIFY")
    handle = await standin.invoke_command("hello")
    (message,) = await handle.wait_messages(1)
    assert message.content.startswith("hello")
    assert standin.gateway.resumes == 1
    standin.assert_no_violations()


async def test_dm_invocation_needs_a_global_command(standin: StandIn, bot: Bot) -> None:
    with pytest.raises(KeyError, match="usable in DMs"):
        await standin.invoke_command("hello", dm=True)
    await bot.tree.sync()
    handle = await standin.invoke_command("hello", dm=True)
    (message,) = await handle.wait_messages(1)
    assert "guild_id" not in handle.payload and handle.payload["context"] == 1
    assert standin.channels[message.channel_id]["type"] == 1
    assert message.content == f"hello <@{standin.user['id']}>"
    standin.assert_no_violations()


async def test_heartbeats_are_recorded_per_connection() -> None:
    async with StandIn(heartbeat_interval=0.2) as standin:
        made = make_bot()
        async with running_client(made.client, standin):
            await standin.signal.wait_for(
                lambda: len(standin.gateway.heartbeats) >= 4, 10, "4 heartbeats"
            )
        gaps = standin.gateway.heartbeat_gaps()
        assert len(gaps) >= 3
        assert all(0 < gap < 5.0 for gap in gaps)  # about 0.2 s; generous for a loaded machine


def _rows(n: int) -> list[dict[str, Any]]:
    button = {"type": 2, "style": 1, "label": "b", "custom_id": "b"}
    return [{"type": 1, "components": [button]} for _ in range(n)]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"title": "t"}] * 11}, "embeds"),
        ({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}, "embeds"),
        ({"content": "x", "components": _rows(6)}, "components"),
    ],
)
def test_message_limits(payload: dict[str, Any], field: str) -> None:
    from discord_standin import validation

    assert field in validation.message_errors(payload)
    assert validation.message_errors({"content": "x" * 2000, "components": _rows(5)}) == {}
    assert (
        validation.message_errors({"embeds": [{"description": "d" * 4000}] + [{"title": "t"}] * 9})
        == {}
    )


async def test_bot_launcher_passes_argv_and_reports_early_exit(
    standin: StandIn, tmp_path: Any
) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(RuntimeError, match="exited with status 2") as failure:
        async with running_bot(standin, "--config", str(missing), cwd=tmp_path):
            pass
    assert "config file not found" in str(failure.value)


async def test_pointing_survives_set_api_version_and_is_undone(standin: StandIn) -> None:
    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    with point_discord_at(standin):
        discord.http._set_api_version(10)
        assert discord.http.Route("GET", "/users/@me").url == f"{standin.rest_base}/users/@me"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == standin.gateway_url
    assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


# --- raw protocol checks, without discord.py -----------------------------------------------------


class RawGateway:
    """A minimal gateway client that checks the zlib-stream framing."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.inflate = zlib.decompressobj()

    async def receive(self) -> dict[str, Any]:
        msg = await asyncio.wait_for(self.ws.receive(), 5)
        assert msg.type is aiohttp.WSMsgType.BINARY, msg
        assert msg.data.endswith(b"\x00\x00\xff\xff")
        return json.loads(self.inflate.decompress(msg.data))

    async def send(self, op: int, d: Any) -> None:
        await self.ws.send_str(json.dumps({"op": op, "d": d}))


async def test_raw_gateway_and_rest_rules(standin: StandIn) -> None:
    auth = {"Authorization": f"Bot {standin.token}"}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{standin.rest_base}/users/@me") as resp:
            assert resp.status == 401
        async with http.get(f"{standin.rest_base}/users/@me", headers=auth) as resp:
            assert resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["id"] == standin.application_id
        async with http.get(f"{standin.rest_base}/no/such/route", headers=auth) as resp:
            assert resp.status == 404 and (await resp.json())["code"] == 0

        url = f"{standin.gateway_url}?v=10&encoding=json&compress=zlib-stream"
        async with http.ws_connect(url) as ws:
            gateway = RawGateway(ws)
            hello = await gateway.receive()
            assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 41250
            await gateway.send(1, None)
            assert (await gateway.receive())["op"] == 11
            await gateway.send(2, {"token": standin.token, "intents": 513, "properties": {}})
            ready = await gateway.receive()
            assert ready["t"] == "READY" and ready["s"] == 1
            assert ready["d"]["resume_gateway_url"] == standin.resume_gateway_url
            guild = await gateway.receive()
            assert guild["t"] == "GUILD_CREATE" and guild["d"]["id"] == standin.guild_id

            commands = f"{standin.rest_base}/applications/{standin.application_id}/commands"
            body = [{"name": "hello", "description": "say hello", "type": 1}]
            async with http.put(commands, json=body, headers=auth) as resp:
                assert resp.status == 200 and (await resp.json())[0]["id"].isdigit()
            async with http.put(
                commands, json=[{"name": "Hello", "description": ""}], headers=auth
            ) as resp:
                assert resp.status == 400 and (await resp.json())["code"] == 50035

            first = await standin.invoke_command("hello")
            second = await standin.invoke_command("hello")
            dispatched = await gateway.receive()
            assert dispatched["t"] == "INTERACTION_CREATE" and dispatched["d"]["id"] == first.id

            followup = (
                f"{standin.rest_base}/webhooks/{standin.application_id}/{second.token}?wait=1"
            )
            async with http.post(followup, json={"content": "early"}) as resp:
                assert resp.status == 404 and (await resp.json())["code"] == 10015
            callback = f"{standin.rest_base}/interactions/{first.id}/{first.token}/callback?with_response=1"
            reply = {"type": 4, "data": {"content": "hi", "allowed_mentions": {"parse": []}}}
            async with http.post(callback, json=reply) as resp:
                answer = await resp.json()
                assert resp.status == 200 and answer["resource"]["message"]["content"] == "hi"
                assert answer["interaction"]["response_message_id"] == first.original.id
            async with http.post(callback, json=reply) as resp:
                assert resp.status == 400 and (await resp.json())["code"] == 40060
            big = aiohttp.FormData(quote_fields=False)
            big.add_field("payload_json", json.dumps({"content": "big"}))
            big.add_field("files[0]", b"\0" * (10 * 1024 * 1024 + 1), filename="big.bin")
            followup = f"{standin.rest_base}/webhooks/{standin.application_id}/{first.token}"
            async with http.post(followup, data=big) as resp:
                assert resp.status == 413 and (await resp.json())["code"] == 40005

            await gateway.send(6, {"token": standin.token, "session_id": "nope", "seq": 1})
            while (frame := await gateway.receive())["op"] != 9:
                pass
            assert frame["d"] is False
    assert {v.kind for v in standin.violations} == {
        "unauthorized",
        "unknown_route",
        "invalid_commands",
        "before_callback",
        "double_callback",
        "too_large",
    }
    assert [b.connection for b in standin.gateway.heartbeats] == [standin.gateway.connections[0].id]
