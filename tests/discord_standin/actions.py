"""What a Discord user does: run a command, type into an autocomplete, click, submit a modal."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from . import modal_rules, payloads
from .interactions import AUTOCOMPLETE, COMMAND, COMPONENT, MODAL_SUBMIT, InteractionHandle
from .options import command_options
from .records import Message

if TYPE_CHECKING:
    from .server import StandIn

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2  # the interaction's context
GUILD_INSTALL, USER_INSTALL = "0", "1"  # keys of authorizing_integration_owners


class UserActions:
    """Mixed into StandIn: each action dispatches an INTERACTION_CREATE and returns its handle."""

    def _interaction(
        self: StandIn,
        kind: int,
        data: dict[str, Any],
        user: dict[str, Any] | None,
        locale: str,
        channel: str | None,
        message: Message | None = None,
        *,
        user_install: bool = False,
        elsewhere: bool = False,
    ) -> dict[str, Any]:
        """The INTERACTION_CREATE payload. `user_install`: the app is used through the user's
        own install; `elsewhere`: in a guild the bot has not joined, through that install."""
        user = user or self.user
        self.users.setdefault(user["id"], user)
        if elsewhere:
            channel = channel or self.foreign_channel_id
        channel_data = dict(self.any_channel(channel or self.channel_id))
        payload: dict[str, Any] = {
            "id": payloads.snowflake(),
            "application_id": self.application_id,
            "type": kind,
            "token": payloads.token(),
            "version": 1,
            "data": data,
            "channel_id": channel_data["id"],
            "channel": channel_data,
            "locale": locale,
            "app_permissions": payloads.BOT_PERMISSIONS,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        mine = {USER_INSTALL: user["id"]} if user_install or elsewhere else {}
        if channel_data["type"] == 1 and channel_data["id"] not in self.channels:
            # A chat of the user's that the bot is not in: only a user install reaches it.
            channel_data.pop("owner", None)
            payload.update(
                user=user,
                context=PRIVATE_CHANNEL,
                authorizing_integration_owners={USER_INSTALL: user["id"]},
            )
        elif channel_data["type"] == 1:
            owners = mine or {GUILD_INSTALL: "0"}  # "0": the bot's own DM, a guild install
            payload.update(user=user, context=BOT_DM, authorizing_integration_owners=owners)
        else:
            guild_id = str(channel_data["guild_id"])
            owners = mine if elsewhere else {GUILD_INSTALL: guild_id, **mine}
            channel_data["permissions"] = payloads.MEMBER_PERMISSIONS
            member = payloads.member(user, [])
            member["permissions"] = payloads.MEMBER_PERMISSIONS
            guild_id = channel_data["guild_id"]
            payload.update(
                guild_id=guild_id,
                guild={"id": guild_id, "locale": self.guild_locale, "features": []},
                guild_locale=self.guild_locale,
                member=member,
                context=GUILD,
                authorizing_integration_owners=owners,
            )
            if elsewhere:
                payload["app_permissions"] = payloads.USER_APP_PERMISSIONS
        if message is not None:
            payload["message"] = message.to_payload()
        return payload

    async def _dispatch(
        self: StandIn, payload: dict[str, Any], source: Message | None = None
    ) -> InteractionHandle:
        guild_id = payload.get("guild_id")
        if self.gateway.session_for(guild_id) is None:
            # Like Discord, deliver once the bot has a session on the guild's shard.
            await self.signal.wait_for(
                lambda: self.gateway.session_for(guild_id) is not None,
                10.0,
                f"a gateway session for guild {guild_id} (DMs: shard 0)",
            )
        handle = InteractionHandle(self, payload, source)
        session = self.gateway.session_for(guild_id)
        handle.shard = session.shard if session is not None else None
        self.interactions[handle.id] = handle
        self._by_token[handle.token] = handle
        handle.created = time.monotonic()
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return handle

    def _command_data(
        self: StandIn,
        name: str,
        options: dict[str, Any] | None,
        focused: str | None,
        validate: bool,
        dm: bool,
        guild: str | None = None,
        user_install: bool = False,
        private: bool = False,
    ) -> dict[str, Any]:
        command = self.command(name, guild, dm=dm, user_install=user_install, private=private)
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": 1}
        given = command_options(command, options or {}, focused=focused, validate=validate)
        if given:
            data["options"] = given
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return data

    def _channel_for(
        self: StandIn, user: dict[str, Any] | None, channel: str | None, dm: bool
    ) -> str | None:
        return self.dm_channel_for(user or self.user)["id"] if dm else channel

    async def invoke_command(
        self: StandIn,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: dict[str, Any] | None = None,
        locale: str = "en-US",
        channel: str | None = None,
        dm: bool = False,
        validate: bool = True,
        user_install: bool = False,
        elsewhere: bool = False,
        private: bool = False,
    ) -> InteractionHandle:
        """A user runs /name with these option values (typed and checked per the synced schema).

        dm=True runs it in the user's DM with the bot (only global commands allowed in DMs).
        validate=False sends values the Discord client would refuse (wrong type, out of range).
        user_install=True uses the app through the user's own install (a global command that
        allows it); elsewhere=True does so in a guild the bot has not joined, private=True in
        the user's DM with a friend, which the bot is not in.
        """
        if private:
            channel = self.private_channel_for(user or self.user)["id"]
        known = None if dm or private or channel is None else self.channels.get(channel)
        guild = None if known is None else known.get("guild_id")
        data = self._command_data(
            name, options, None, validate, dm, guild, user_install or elsewhere, private
        )
        payload = self._interaction(
            COMMAND,
            data,
            user,
            locale,
            self._channel_for(user, channel, dm),
            user_install=user_install,
            elsewhere=elsewhere,
        )
        return await self._dispatch(payload)

    async def autocomplete(
        self: StandIn,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        focused: str,
        user: dict[str, Any] | None = None,
        locale: str = "en-US",
        channel: str | None = None,
        dm: bool = False,
        timeout: float = 5.0,
    ) -> list[dict[str, Any]]:
        """A user types into option `focused`; return the choices the bot answered (type 8)."""
        data = self._command_data(name, options, focused, False, dm)
        payload = self._interaction(
            AUTOCOMPLETE, data, user, locale, self._channel_for(user, channel, dm)
        )
        handle = await self._dispatch(payload)
        record = await handle.wait_callback(timeout)
        return record.choices

    async def click(
        self: StandIn,
        message: Message | str,
        custom_id: str,
        *,
        user: dict[str, Any] | None = None,
        locale: str = "en-US",
        values: list[str] | None = None,
        validate: bool = True,
        settle: float = 0.2,
    ) -> InteractionHandle:
        """A user clicks a button (or picks `values` in a select) on a message the bot sent.

        Waits until the message is `settle` s old: discord.py registers a view only after the
        HTTP answer that created it, and a click before that is dropped (no person is that fast).
        """
        if isinstance(message, str):
            message = self.store.by_id[message]
        component = message.component(custom_id)
        if validate and (component is None or component.get("disabled")):
            present = [c.get("custom_id") for c in message.buttons()]
            state = "disabled" if component else "absent"
            raise ValueError(
                f"stand-in: component {custom_id!r} is {state} (message has {present})"
            )
        if message.deleted:
            raise ValueError("stand-in: that message was deleted")
        data: dict[str, Any] = {
            "custom_id": custom_id,
            "component_type": (component or {}).get("type", 2),
        }
        if values is not None:
            data["values"] = values
        wait = settle - (time.monotonic() - message.updated_at)
        if wait > 0:
            await asyncio.sleep(wait)
        # A click comes through the same install as the interaction that made the message.
        owners = (message.interaction_metadata or {}).get("authorizing_integration_owners", {})
        payload = self._interaction(
            COMPONENT,
            data,
            user,
            locale,
            message.channel_id,
            message,
            user_install=USER_INSTALL in owners,
            elsewhere=message.guild_id is not None and message.guild_id not in self.guilds,
        )
        return await self._dispatch(payload, source=message)

    async def submit_modal(
        self: StandIn,
        handle: InteractionHandle,
        values: dict[str, str],
        *,
        user: dict[str, Any] | None = None,
    ) -> InteractionHandle:
        """The user fills the modal that `handle` was answered with (type 9) and submits it."""
        modal = await handle.wait_callback()
        if modal.type != 9:
            raise ValueError("stand-in: that interaction was not answered with a modal")
        for item in modal_rules.text_inputs(modal.data):
            problem = modal_rules.value_problem(item, values.get(item["custom_id"], ""))
            if problem is not None:  # Discord's client would not let the user submit it
                raise ValueError(f"stand-in: {problem}")

        def filled(item: dict[str, Any]) -> dict[str, Any]:
            if item.get("type") == 4:
                return {
                    "type": 4,
                    "custom_id": item["custom_id"],
                    "value": values.get(item["custom_id"], ""),
                }
            out: dict[str, Any] = {"type": item.get("type")}
            if "component" in item:
                out["component"] = filled(item["component"])
            if "components" in item:
                out["components"] = [filled(c) for c in item["components"]]
            return out

        data = {
            "custom_id": modal.data["custom_id"],
            "components": [filled(c) for c in modal.data["components"]],
        }
        source = handle.source if handle.type == COMPONENT else None
        payload = self._interaction(
            MODAL_SUBMIT, data, user or handle.user, handle.locale, handle.channel_id, source
        )
        return await self._dispatch(payload, source=source)
