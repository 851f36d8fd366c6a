"""Discord API objects as Discord sends them (snowflakes as strings), for the stand-in."""

from __future__ import annotations

import itertools
import secrets
import time
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
# Permission bits a plain member has in a fresh guild (view, send, embed, attach, history, ...).
MEMBER_PERMISSIONS = "2248473465835073"
# What the bot's role grants it in the test guild.
BOT_PERMISSIONS = "2251799813685247"
# app_permissions of a user-installed app where the bot is not a member: embed links, attach
# files, mention everyone, use external emojis (what an interaction's answer may use).
USER_APP_PERMISSIONS = str((1 << 14) | (1 << 15) | (1 << 17) | (1 << 18))

_increment = itertools.count()


def snowflake() -> str:
    """A new snowflake string whose timestamp is now; unique and increasing in this process."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return str((ms << 22) | (1 << 17) | (next(_increment) & 0xFFF))


def snowflake_on_shard(shard: int | None, shard_count: int) -> str:
    """A new snowflake whose guild would be on `shard` ((id >> 22) % shard_count); None: any.

    The timestamp is moved up to shard_count - 1 ms ahead of now to land on the shard.
    """
    value = int(snowflake())
    if shard is None:
        return str(value)
    ms = value >> 22
    ms += (shard - ms) % shard_count
    return str((ms << 22) | (value & ((1 << 22) - 1)))


def token(nbytes: int = 48) -> str:
    """A random URL-safe token, like interaction and bot tokens."""
    return secrets.token_urlsafe(nbytes)


def iso_now() -> str:
    """Discord's ISO-8601 timestamp with microseconds and an explicit UTC offset."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def user(user_id: str, username: str, *, bot: bool = False) -> dict[str, Any]:
    """A full user object."""
    data: dict[str, Any] = {
        "id": user_id,
        "username": username,
        "global_name": None if bot else username.title(),
        "discriminator": "0",
        "avatar": None,
        "avatar_decoration_data": None,
        "banner": None,
        "accent_color": None,
        "public_flags": 0,
        "flags": 0,
        "primary_guild": None,
        "collectibles": None,
    }
    if bot:
        data["bot"] = True
        data["verified"] = True
        data["mfa_enabled"] = False
        data["email"] = None
        data["locale"] = "en-US"
    return data


def role(role_id: str, name: str, permissions: str, *, position: int = 0) -> dict[str, Any]:
    """A guild role."""
    return {
        "id": role_id,
        "name": name,
        "description": None,
        "permissions": permissions,
        "position": position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def member(
    user_data: dict[str, Any], roles: list[str], *, joined_at: str | None = None
) -> dict[str, Any]:
    """A guild member (as in GUILD_CREATE; interactions add `permissions`)."""
    return {
        "user": user_data,
        "roles": roles,
        "nick": None,
        "avatar": None,
        "banner": None,
        "joined_at": joined_at or iso_now(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
        "unusual_dm_activity_until": None,
    }


def text_channel(channel_id: str, guild_id: str, name: str, *, position: int = 0) -> dict[str, Any]:
    """A guild text channel (type 0)."""
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": guild_id,
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def dm_channel(channel_id: str, recipient: dict[str, Any]) -> dict[str, Any]:
    """A direct-message channel (type 1) with one recipient."""
    return {
        "id": channel_id,
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [recipient],
    }


def guild(
    guild_id: str,
    name: str,
    *,
    owner_id: str,
    channels: list[dict[str, Any]],
    roles: list[dict[str, Any]],
    members: list[dict[str, Any]],
    member_count: int,
    locale: str = "en-US",
) -> dict[str, Any]:
    """A full guild as GUILD_CREATE carries it."""
    return {
        "id": guild_id,
        "name": name,
        "icon": None,
        "icon_hash": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": owner_id,
        "region": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "widget_channel_id": None,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": roles,
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": channels[0]["id"] if channels else None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_presences": None,
        "max_members": 500000,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": locale,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "incidents_data": None,
        "joined_at": iso_now(),
        "large": False,
        "unavailable": False,
        "member_count": member_count,
        "voice_states": [],
        "members": members,
        "channels": channels,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "lazy": True,
    }


def application(app_id: str, bot_user: dict[str, Any], owner: dict[str, Any]) -> dict[str, Any]:
    """The application object of GET /oauth2/applications/@me."""
    return {
        "id": app_id,
        "name": bot_user["username"],
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "hook": True,
        "bot_public": False,
        "bot_require_code_grant": False,
        "verify_key": secrets.token_hex(32),
        "flags": 0,
        "owner": owner,
        "team": None,
        "bot": bot_user,
        "guild_id": None,
        "rpc_origins": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "tags": [],
        "install_params": None,
        # Both install types enabled, as the README's set-up asks.
        "integration_types_config": {"0": {}, "1": {}},
        "approximate_guild_count": 1,
        "approximate_user_install_count": 1,
    }


def attachment_object(
    attachment_id: str,
    filename: str,
    size: int,
    url: str,
    content_type: str | None,
    description: str | None = None,
) -> dict[str, Any]:
    """An attachment as it appears in a message."""
    data: dict[str, Any] = {
        "id": attachment_id,
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
        "content_scan_version": 0,
    }
    if description is not None:
        data["description"] = description
    return data


def guess_content_type(filename: str, head: bytes) -> str | None:
    """Discord sniffs uploads; this recognises the formats a bot sends."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"GIF8"):
        return "image/gif"
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    lowered = filename.lower()
    if lowered.endswith(".txt"):
        return "text/plain; charset=utf-8"
    if lowered.endswith(".csv"):
        return "text/csv; charset=utf-8"
    if lowered.endswith(".json"):
        return "application/json; charset=utf-8"
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk, or None for other data."""
    if len(data) < 24 or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
