"""The REST routes: identity, application commands, interaction webhooks, channels, users."""

from __future__ import annotations

from typing import Any

from . import commands, validation
from .interactions import UNKNOWN_MESSAGE, error
from .rest import Call, Reply, RouteTable

UNKNOWN_CHANNEL = error(10003, "Unknown Channel")
UNKNOWN_APPLICATION = error(10002, "Unknown Application")
UNKNOWN_COMMAND = error(10063, "Unknown application command")
TABLE = RouteTable()
route = TABLE.route


# --- identity and gateway ---------------------------------------------------------------------


@route("GET", "/users/@me", "get_current_user")
async def _me(call: Call) -> Reply:
    return 200, call.standin.bot_user


@route("GET", "/gateway", "get_gateway", auth=False)
async def _gateway(call: Call) -> Reply:
    return 200, {"url": call.standin.gateway_base}


@route("GET", "/gateway/bot", "get_gateway_bot")
async def _gateway_bot(call: Call) -> Reply:
    standin = call.standin
    limit = {
        "total": 1000,
        "remaining": 999,
        "reset_after": 14400000,
        "max_concurrency": standin.max_concurrency,
    }
    reply = {"url": standin.gateway_base, "shards": standin.shard_count}
    return 200, {**reply, "session_start_limit": limit}


@route("GET", "/(?:oauth2/)?applications/@me", "get_application")
async def _application(call: Call) -> Reply:
    return 200, call.standin.application


# --- application commands ---------------------------------------------------------------------


def _scope(call: Call) -> tuple[str | None, Reply | None]:
    if call.groups["app"] != call.standin.application_id:
        return None, (404, UNKNOWN_APPLICATION)
    guild = call.groups.get("guild")
    if guild is not None and guild not in call.standin.guilds:
        return None, (403, error(50001, "Missing Access"))
    return guild, None


@route(
    "PUT",
    r"/applications/(?P<app>\d+)(?:/guilds/(?P<guild>\d+))?/commands",
    "bulk_overwrite_commands",
)
async def _put_commands(call: Call) -> Reply:
    guild, problem = _scope(call)
    if problem is not None:
        return problem
    body = call.body or []
    errors = commands.overwrite_errors(body)
    if errors:
        call.standin.violation("invalid_commands", 50035, "PUT", call.record.path, repr(errors))
        return 400, validation.form_error_body(errors)
    old = {(c["type"], c["name"]): c for c in call.standin.commands.get(guild, [])}
    stored = [
        commands.stored_command(
            c, call.standin.application_id, guild, old.get((int(c.get("type", 1)), c["name"]))
        )
        for c in body
    ]
    call.standin.commands[guild] = stored
    call.standin.syncs.append((guild, stored))
    return 200, stored


@route("GET", r"/applications/(?P<app>\d+)(?:/guilds/(?P<guild>\d+))?/commands", "get_commands")
async def _get_commands(call: Call) -> Reply:
    guild, problem = _scope(call)
    return problem or (200, call.standin.commands.get(guild, []))


@route("POST", r"/applications/(?P<app>\d+)(?:/guilds/(?P<guild>\d+))?/commands", "upsert_command")
async def _post_command(call: Call) -> Reply:
    guild, problem = _scope(call)
    if problem is not None:
        return problem
    errors = commands.overwrite_errors([call.body])
    if errors:
        call.standin.violation("invalid_commands", 50035, "POST", call.record.path, repr(errors))
        return 400, validation.form_error_body(errors)
    current = call.standin.commands.setdefault(guild, [])
    kind = int(call.body.get("type", 1))
    old = next((c for c in current if (c["type"], c["name"]) == (kind, call.body["name"])), None)
    stored = commands.stored_command(call.body, call.standin.application_id, guild, old)
    if old is not None:
        current.remove(old)
    current.append(stored)
    return (200 if old else 201), stored


@route(
    "GET",
    r"/applications/(?P<app>\d+)(?:/guilds/(?P<guild>\d+))?/commands/(?P<cmd>\d+)",
    "get_command",
)
async def _get_command(call: Call) -> Reply:
    guild, problem = _scope(call)
    if problem is not None:
        return problem
    found = next(
        (c for c in call.standin.commands.get(guild, []) if c["id"] == call.groups["cmd"]), None
    )
    return (200, found) if found else (404, UNKNOWN_COMMAND)


@route(
    "DELETE",
    r"/applications/(?P<app>\d+)(?:/guilds/(?P<guild>\d+))?/commands/(?P<cmd>\d+)",
    "delete_command",
)
async def _delete_command(call: Call) -> Reply:
    guild, problem = _scope(call)
    if problem is not None:
        return problem
    current = call.standin.commands.get(guild, [])
    found = next((c for c in current if c["id"] == call.groups["cmd"]), None)
    if found is None:
        return 404, UNKNOWN_COMMAND
    current.remove(found)
    return 204, None


# --- interactions and their webhooks ----------------------------------------------------------


@route(
    "POST",
    r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback",
    "interaction_callback",
    auth=False,
)
async def _callback(call: Call) -> Reply:
    handle = call.standin.interactions.get(call.groups["iid"])
    if handle is None or handle.token != call.groups["token"]:
        call.standin.violation(
            "unknown_interaction", 10062, "POST", call.record.path, "no such interaction"
        )
        return 404, error(10062, "Unknown interaction")
    return call.standin.rules.callback(handle, call.body or {}, call.files, call.record.path)


def _webhook_handle(call: Call) -> Any:
    if call.groups["app"] != call.standin.application_id:
        return None
    return call.standin.interaction_by_token(call.groups["token"])


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")


@route("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", "webhook_execute", auth=False)
async def _followup(call: Call) -> Reply:
    return call.standin.rules.followup(
        _webhook_handle(call),
        call.body or {},
        call.files,
        _flag(call.record.query.get("wait")),
        call.record.path,
    )


WEBHOOK_MESSAGE = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)"


@route("GET", WEBHOOK_MESSAGE, "webhook_message_get", auth=False)
async def _webhook_get(call: Call) -> Reply:
    return call.standin.rules.get_message(
        _webhook_handle(call), call.groups["mid"], call.record.path
    )


@route("PATCH", WEBHOOK_MESSAGE, "webhook_message_edit", auth=False)
async def _webhook_edit(call: Call) -> Reply:
    return call.standin.rules.edit_message(
        _webhook_handle(call), call.groups["mid"], call.body or {}, call.files, call.record.path
    )


@route("DELETE", WEBHOOK_MESSAGE, "webhook_message_delete", auth=False)
async def _webhook_delete(call: Call) -> Reply:
    return call.standin.rules.delete_message(
        _webhook_handle(call), call.groups["mid"], call.record.path
    )


# --- channels ---------------------------------------------------------------------------------


@route("GET", r"/channels/(?P<ch>\d+)", "get_channel")
async def _get_channel(call: Call) -> Reply:
    channel = call.standin.channels.get(call.groups["ch"])
    return (200, channel) if channel else (404, UNKNOWN_CHANNEL)


@route("POST", r"/channels/(?P<ch>\d+)/typing", "trigger_typing")
async def _typing(call: Call) -> Reply:
    return (204, None) if call.groups["ch"] in call.standin.channels else (404, UNKNOWN_CHANNEL)


@route("POST", r"/channels/(?P<ch>\d+)/messages", "channel_message_create")
async def _channel_send(call: Call) -> Reply:
    channel = call.standin.channels.get(call.groups["ch"])
    if channel is None:
        call.standin.violation(
            "unknown_channel", 10003, "POST", call.record.path, "no such channel"
        )
        return 404, UNKNOWN_CHANNEL
    body = call.body or {}
    problem = call.standin.rules._check_message(
        body, call.files, call.record.path, "POST", creating=True
    )
    if problem is not None:
        return problem
    reference = body.get("message_reference")
    message = call.standin.store.create(
        channel["id"],
        body,
        call.files,
        guild_id=channel.get("guild_id"),
        type=19 if reference else 0,
        message_reference=reference,
    )
    call.standin.changed()
    return 200, message.to_payload()


def _channel_message(call: Call) -> Any:
    message = call.standin.store.by_id.get(call.groups["mid"])
    if message is None or message.deleted or message.channel_id != call.groups["ch"]:
        return None
    return message


@route("GET", r"/channels/(?P<ch>\d+)/messages/(?P<mid>\d+)", "channel_message_get")
async def _channel_get(call: Call) -> Reply:
    message = _channel_message(call)
    return (200, message.to_payload()) if message else (404, UNKNOWN_MESSAGE)


@route("PATCH", r"/channels/(?P<ch>\d+)/messages/(?P<mid>\d+)", "channel_message_edit")
async def _channel_edit(call: Call) -> Reply:
    message = _channel_message(call)
    if message is None:
        return 404, UNKNOWN_MESSAGE
    if message.ephemeral:
        return 404, UNKNOWN_MESSAGE  # ephemeral messages are reachable only through the webhook
    body = call.body or {}
    problem = call.standin.rules._check_message(
        body, call.files, call.record.path, "PATCH", creating=False
    )
    if problem is not None:
        return problem
    call.standin.store.edit(message, body, call.files)
    call.standin.changed()
    return 200, message.to_payload()


@route("DELETE", r"/channels/(?P<ch>\d+)/messages/(?P<mid>\d+)", "channel_message_delete")
async def _channel_delete(call: Call) -> Reply:
    message = _channel_message(call)
    if message is None or message.ephemeral:
        return 404, UNKNOWN_MESSAGE
    message.deleted = True
    call.standin.changed()
    return 204, None


@route("POST", "/users/@me/channels", "create_dm")
async def _create_dm(call: Call) -> Reply:
    recipient = str((call.body or {}).get("recipient_id"))
    user = call.standin.users.get(recipient)
    if user is None:
        return 400, error(50035, "Invalid Form Body")
    return 200, call.standin.dm_channel_for(user)


@route("GET", r"/guilds/(?P<guild>\d+)/members/(?P<user>\d+)", "get_member")
async def _get_member(call: Call) -> Reply:
    for item in call.standin.guild_members(call.groups["guild"]):
        if item["user"]["id"] == call.groups["user"]:
            return 200, item
    return 404, error(10007, "Unknown Member")


@route("GET", r"/users/(?P<user>\d+)", "get_user")
async def _get_user(call: Call) -> Reply:
    user = call.standin.users.get(call.groups["user"])
    return (200, user) if user else (404, error(10013, "Unknown User"))
