"""StandIn: a local Discord (REST + gateway) on loopback, and what tests do with it."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from . import payloads, rest, routes
from .actions import UserActions
from .gateway import Gateway
from .interactions import InteractionHandle, InteractionRules
from .messages import MessageStore
from .records import Fault, Message, RequestRecord, Violation
from .shards import shard_of
from .waiting import Signal


class StandIn(UserActions):
    """Discord's REST API and gateway for one bot, one guild, and the users a test invents."""

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_name: str = "gd-tutor",
        heartbeat_interval: float = 41.25,
        callback_deadline: float = 3.0,
        allowed_privileged_intents: int = 0,
        guild_locale: str = "en-US",
        channel_names: tuple[str, ...] = ("general",),
        shard_count: int = 1,
        max_concurrency: int = 1,
        strict_identify_pace: bool = False,
    ) -> None:
        self.shard_count = shard_count  # what GET /gateway/bot recommends
        self.max_concurrency = max_concurrency  # session_start_limit.max_concurrency
        # An IDENTIFY sooner than 5 s after another of its bucket is a violation (else only kept
        # in gateway.identify_log: restarting a bot in a test is faster than Discord allows).
        self.strict_identify_pace = strict_identify_pace
        self.token = token or payloads.token(40)
        self.heartbeat_interval_ms = int(heartbeat_interval * 1000)
        self.callback_deadline = callback_deadline
        self.allowed_privileged_intents = allowed_privileged_intents
        self.application_id = payloads.snowflake()
        self.bot_user = payloads.user(self.application_id, bot_name, bot=True)
        owner = payloads.user(payloads.snowflake(), "owner")
        self.application = payloads.application(self.application_id, self.bot_user, owner)
        self.users: dict[str, dict[str, Any]] = {u["id"]: u for u in (self.bot_user, owner)}
        self.user = self.make_user("tester")
        self.guild_id = payloads.snowflake()
        self.guild_locale = guild_locale
        self.bot_role = payloads.role(
            payloads.snowflake(), bot_name, payloads.BOT_PERMISSIONS, position=1
        )
        self.guilds: dict[str, dict[str, Any]] = {
            self.guild_id: self._guild_record(owner, "Stand-in Guild", self.bot_role)
        }
        self.channels: dict[str, dict[str, Any]] = {}
        for position, name in enumerate(channel_names):
            channel = payloads.text_channel(
                payloads.snowflake(), self.guild_id, name, position=position
            )
            self.channels[channel["id"]] = channel
        self.channel_id = next(iter(self.channels))
        # A guild the bot has not joined (never announced to it), where users have the app
        # through their own install, and a channel there.
        self.foreign_guild_id = payloads.snowflake()
        foreign = payloads.text_channel(payloads.snowflake(), self.foreign_guild_id, "elsewhere")
        self.foreign_channels: dict[str, dict[str, Any]] = {foreign["id"]: foreign}
        self.foreign_channel_id = foreign["id"]
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        self.syncs: list[tuple[str | None, list[dict[str, Any]]]] = []
        self.requests: list[RequestRecord] = []
        self.violations: list[Violation] = []
        self.faults: list[Fault] = []
        self.interactions: dict[str, InteractionHandle] = {}
        self._by_token: dict[str, InteractionHandle] = {}
        self.signal = Signal()
        self.gateway = Gateway(self)
        self.store = MessageStore("http://127.0.0.1:0", self.bot_user, self._broken_embed)
        self.rules = InteractionRules(self)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> StandIn:
        """Listen on 127.0.0.1 (a free port)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", r"/api/v{version:\d+}/{tail:.*}", self._api)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway-resume", self.gateway.handle)
        app.router.add_get("/attachments/{channel}/{attachment}/{filename}", self._attachment)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.store.public_base = f"http://127.0.0.1:{self.port}"
        return self

    async def close(self) -> None:
        """Close every websocket and stop listening."""
        for conn in self.gateway.connections:
            if not conn.ws.closed:
                await conn.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandIn:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def rest_base(self) -> str:
        """Value for discord.http.Route.BASE."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Value for DiscordWebSocket.DEFAULT_GATEWAY (as a yarl.URL)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def gateway_base(self) -> str:
        """What GET /gateway answers."""
        return self.gateway_url

    @property
    def resume_gateway_url(self) -> str:
        """READY's resume_gateway_url: a second path, so tests can see the client used it."""
        return f"ws://127.0.0.1:{self.port}/gateway-resume"

    # --- state the gateway and REST read ----------------------------------------------------

    def changed(self) -> None:
        """Wake waiters; called on every state change."""
        self.signal.fire()

    def violation(self, kind: str, code: int, method: str, path: str, detail: str) -> None:
        """Record a rule the client broke."""
        self.violations.append(Violation(kind, code, method, path, detail))
        self.changed()

    def _broken_embed(self, message: Message, url: str) -> None:
        self.violation(
            "broken_embed_image",
            0,
            "-",
            f"message {message.id}",
            f"embed points at {url} but the message has no such attachment",
        )

    def make_user(self, username: str) -> dict[str, Any]:
        """A new Discord user who can invoke commands and click buttons."""
        data = payloads.user(payloads.snowflake(), username)
        self.users[data["id"]] = data
        return data

    def _guild_record(
        self, owner: dict[str, Any], name: str, bot_role: dict[str, Any]
    ) -> dict[str, Any]:
        bot_member = payloads.member(self.bot_user, [bot_role["id"]])
        return {"owner": owner, "name": name, "bot_role": bot_role, "bot_member": bot_member}

    def add_guild(self, shard: int | None = None, name: str = "Another Guild") -> str:
        """A new guild with one text channel (on `shard` of shard_count when given); its id.

        Add guilds before the bot connects: they arrive with READY and GUILD_CREATE.
        """
        guild_id = payloads.snowflake_on_shard(shard, self.shard_count)
        bot_role = payloads.role(
            payloads.snowflake(), self.bot_user["username"], payloads.BOT_PERMISSIONS, position=1
        )
        owner = self.guilds[self.guild_id]["owner"]
        self.guilds[guild_id] = self._guild_record(owner, name, bot_role)
        channel = payloads.text_channel(payloads.snowflake(), guild_id, "general")
        self.channels[channel["id"]] = channel
        return guild_id

    def channel_of(self, guild_id: str) -> str:
        """The first text channel of a guild."""
        return next(c["id"] for c in self.channels.values() if c.get("guild_id") == guild_id)

    def guild_members(self, guild_id: str) -> list[dict[str, Any]]:
        """Members GUILD_CREATE lists (the bot; others come with interactions)."""
        guild = self.guilds.get(guild_id)
        return [guild["bot_member"]] if guild is not None else []

    def guild_payloads(self, shard: tuple[int, int] = (0, 1)) -> list[dict[str, Any]]:
        """Full GUILD_CREATE data for every guild on `shard` = (shard_id, shard_count)."""
        found = []
        for guild_id, guild in self.guilds.items():
            if shard_of(guild_id, shard[1]) != shard[0]:
                continue
            everyone = payloads.role(guild_id, "@everyone", payloads.MEMBER_PERMISSIONS)
            channels = [c for c in self.channels.values() if c.get("guild_id") == guild_id]
            found.append(
                payloads.guild(
                    guild_id,
                    guild["name"],
                    owner_id=guild["owner"]["id"],
                    channels=channels,
                    roles=[everyone, guild["bot_role"]],
                    members=self.guild_members(guild_id),
                    member_count=len(self.users) - 1,
                    locale=self.guild_locale,
                )
            )
        return found

    def ready_payload(self, session_id: str, guild_ids: list[str]) -> dict[str, Any]:
        """READY for a new session whose shard has these guilds."""
        return {
            "v": 10,
            "user": self.bot_user,
            "user_settings": {},
            "guilds": [{"id": gid, "unavailable": True} for gid in guild_ids],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": self.application_id, "flags": self.application["flags"]},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
            "_trace": ['["stand-in",{"micros":0}]'],
        }

    def dm_channel_for(self, user: dict[str, Any]) -> dict[str, Any]:
        """The DM channel with a user (created on first use)."""
        for channel in self.channels.values():
            if channel["type"] == 1 and channel["recipients"][0]["id"] == user["id"]:
                return channel
        channel = payloads.dm_channel(payloads.snowflake(), user)
        self.channels[channel["id"]] = channel
        return channel

    def interaction_by_token(self, token: str) -> InteractionHandle | None:
        """The interaction whose webhook token this is."""
        return self._by_token.get(token)

    async def _api(self, request: web.Request) -> web.Response:
        return await rest.handle(self, routes.TABLE, request)

    async def _attachment(self, request: web.Request) -> web.Response:
        item = self.store.attachments.get(request.match_info["attachment"])
        if item is None or item.filename != request.match_info["filename"]:
            return web.Response(status=404)
        return web.Response(
            body=item.data,
            content_type=(item.content_type or "application/octet-stream").split(";")[0],
        )

    # --- what tests look at -----------------------------------------------------------------

    @property
    def messages(self) -> list[Message]:
        """Every message the bot created, in order (latest state of each)."""
        return self.store.messages

    def message_requests(self) -> list[RequestRecord]:
        """Requests that created or edited a message (callbacks 4/7, followups, edits, sends)."""
        return [r for r in self.requests if r.message_payload is not None and not r.injected]

    def violations_of(self, kind: str) -> list[Violation]:
        """Violations of one kind, e.g. "late_callback"."""
        return [v for v in self.violations if v.kind == kind]

    def assert_no_violations(self, *allowed: str) -> None:
        """Fail with the list of violations (other than the `allowed` kinds)."""
        left = [v for v in self.violations if v.kind not in allowed]
        assert not left, "stand-in saw Discord rule violations:\n" + "\n".join(map(repr, left))

    def private_channel_for(self, user: dict[str, Any]) -> dict[str, Any]:
        """A DM of `user` with a friend, which the bot is not in (created on first use)."""
        for channel in self.foreign_channels.values():
            if channel["type"] == 1 and channel["owner"] == user["id"]:
                return channel
        friend = self.make_user(f"friend-of-{user['username']}")
        channel = {**payloads.dm_channel(payloads.snowflake(), friend), "owner": user["id"]}
        self.foreign_channels[channel["id"]] = channel
        return channel

    def any_channel(self, channel_id: str) -> dict[str, Any]:
        """A channel of our guild, a DM, or a channel of the guild the bot has not joined."""
        return self.channels.get(channel_id) or self.foreign_channels[channel_id]

    def command(
        self,
        name: str,
        guild: str | None = None,
        *,
        dm: bool = False,
        user_install: bool = False,
        private: bool = False,
    ) -> dict[str, Any]:
        """The synced chat command `name` a user can run in `guild` (default: ours) or in a DM;
        with `user_install`, through the user's own install (global commands that allow it);
        `private`: in a chat the bot is not in (context 2, a user install)."""
        user_install = user_install or private
        scopes = [None] if dm or user_install else [guild or self.guild_id, None]
        context = 2 if private else 1 if dm else 0
        for scope in scopes:
            for item in self.commands.get(scope, []):
                if item["name"] != name or item["type"] != 1:
                    continue
                contexts = item.get("contexts")
                if dm and item.get("dm_permission") is False:
                    continue
                if contexts is not None and context not in contexts:
                    continue
                if user_install and 1 not in (item.get("integration_types") or [0]):
                    continue
                return item
        known = sorted(
            {
                f"{c['name']} ({'global' if s is None else 'guild'})"
                for s, cs in self.commands.items()
                for c in cs
            }
        )
        where = "in DMs" if dm else "in the guild"
        where += " through a user install" if user_install else ""
        raise KeyError(f"stand-in: no synced command {name!r} usable {where} (synced: {known})")

    async def wait_ready(self, timeout: float = 10.0) -> None:
        """Wait until the client identified and got READY and every GUILD_CREATE."""

        def ready() -> bool:
            session = self.gateway.current
            return session is not None and session.seq >= 1 + session.guilds

        await self.signal.wait_for(ready, timeout, "the client to IDENTIFY")

    async def wait_shards(self, shard_count: int, timeout: float = 60.0) -> None:
        """Wait until every shard of `shard_count` has a session that got READY and its guilds."""

        def ready() -> bool:
            sessions = [self.gateway.by_shard.get((i, shard_count)) for i in range(shard_count)]
            return all(s is not None and s.seq >= 1 + s.guilds for s in sessions)

        await self.signal.wait_for(ready, timeout, f"all {shard_count} shards to be READY")

    async def wait_commands(self, *names: str, timeout: float = 10.0) -> None:
        """Wait until commands with these names were synced (in any scope)."""

        def synced() -> bool:
            have = {c["name"] for cs in self.commands.values() for c in cs}
            return bool(self.syncs) and set(names) <= have

        await self.signal.wait_for(synced, timeout, f"commands {names} to be synced")

    async def wait_resumed(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until the client RESUMEd `count` times in total."""
        await self.signal.wait_for(
            lambda: self.gateway.resumes >= count, timeout, f"{count} RESUME(s)"
        )

    async def wait_violation(self, kind: str, timeout: float = 10.0) -> Violation:
        """Wait until a violation of this kind was recorded; return the first one."""
        found = await self.signal.wait_for(
            lambda: self.violations_of(kind), timeout, f"a {kind!r} violation"
        )
        return found[0]

    async def wait_connected(self, timeout: float = 10.0) -> None:
        """Wait until the current session has a live connection."""

        def live() -> bool:
            session = self.gateway.current
            return session is not None and session.connection is not None

        await self.signal.wait_for(live, timeout, "a live gateway connection")

    # --- what tests do ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        times: int = 1,
        retry_after: float = 0.3,
    ) -> Fault:
        """Answer the next `times` matching requests with 429 (rate limited) or 5xx."""
        fault = Fault(method.upper(), re.compile(path_regex), status, times, retry_after)
        self.faults.append(fault)
        return fault

    async def create_channel(self, name: str) -> str:
        """A new text channel in the guild, announced to the bot with CHANNEL_CREATE; its id."""
        channel = payloads.text_channel(
            payloads.snowflake(), self.guild_id, name, position=len(self.channels)
        )
        self.channels[channel["id"]] = channel
        if self.gateway.current is not None:
            await self.gateway.dispatch("CHANNEL_CREATE", channel)
        return str(channel["id"])

    async def drop_gateway(
        self,
        code: int | None = 4000,
        *,
        resumable: bool = True,
        shard: tuple[int, int] | None = None,
    ) -> None:
        """Close the bot's websocket (of `shard` = (id, count) when given; code None: abort the
        TCP connection); it should RESUME."""
        await self.gateway.drop(code, resumable=resumable, shard=shard)
