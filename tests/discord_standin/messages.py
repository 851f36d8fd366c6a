"""Messages as Discord stores them: creating, editing, attachments and attachment:// embeds."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from . import payloads
from .records import Attachment, Edit, Message, UploadedFile

EDITABLE_FLAGS = 4  # SUPPRESS_EMBEDS is the only flag an edit may change
EMBED_URL_SLOTS = ("image", "thumbnail")
EMBED_ICON_SLOTS = ("author", "footer")


class MessageStore:
    """Every message the bot made, by id, plus the bytes of every attachment."""

    def __init__(
        self, public_base: str, bot_user: dict[str, Any], on_broken: Callable[[Message, str], None]
    ) -> None:
        self.public_base = public_base  # e.g. http://127.0.0.1:PORT
        self.bot_user = bot_user
        self.on_broken = on_broken  # called when an embed points at a missing attachment://
        self.messages: list[Message] = []
        self.by_id: dict[str, Message] = {}
        self.attachments: dict[str, Attachment] = {}

    def create(
        self, channel_id: str, payload: dict[str, Any], files: list[UploadedFile], **fields: Any
    ) -> Message:
        """A new message from a create payload (files are the request's files[n] parts)."""
        message = Message(
            id=payloads.snowflake(), channel_id=channel_id, author=self.bot_user, **fields
        )
        self._apply(message, payload, files, creating=True)
        self.messages.append(message)
        self.by_id[message.id] = message
        return message

    def placeholder(self, channel_id: str, flags: int, **fields: Any) -> Message:
        """The "thinking" message a deferred interaction shows."""
        message = Message(
            id=payloads.snowflake(),
            channel_id=channel_id,
            author=self.bot_user,
            flags=flags,
            **fields,
        )
        self.messages.append(message)
        self.by_id[message.id] = message
        return message

    def edit(
        self,
        message: Message,
        payload: dict[str, Any],
        files: list[UploadedFile],
        *,
        clear_loading: bool = True,
    ) -> Message:
        """Apply an edit payload and record it in `message.edits`."""
        if clear_loading:
            message.flags &= ~128
        self._apply(message, payload, files, creating=False)
        message.edited_timestamp = payloads.iso_now()
        message.edits.append(
            Edit(time.monotonic(), message.id, copy.deepcopy(payload), message.to_payload())
        )
        return message

    def replace_placeholder(
        self, message: Message, payload: dict[str, Any], files: list[UploadedFile]
    ) -> Message:
        """The first followup after a defer fills the thinking message (keeping its ephemerality)."""
        keep = message.flags & 64
        payload = dict(payload)
        payload["flags"] = (int(payload.get("flags") or 0) & ~64) | keep
        message.flags = keep
        self._apply(message, payload, files, creating=True)
        message.edits.append(
            Edit(time.monotonic(), message.id, copy.deepcopy(payload), message.to_payload())
        )
        return message

    def _apply(
        self,
        message: Message,
        payload: dict[str, Any],
        files: list[UploadedFile],
        *,
        creating: bool,
    ) -> None:
        if "content" in payload or creating:
            message.content = payload.get("content") or ""
        if "components" in payload or creating:
            message.components = copy.deepcopy(payload.get("components") or [])
        if creating:
            message.flags |= int(payload.get("flags") or 0)
            message.tts = bool(payload.get("tts"))
        elif "flags" in payload and payload["flags"] is not None:
            message.flags = (message.flags & ~EDITABLE_FLAGS) | (
                int(payload["flags"]) & EDITABLE_FLAGS
            )
        message.allowed_mentions = copy.deepcopy(payload.get("allowed_mentions"))
        self._apply_attachments(message, payload, files, creating=creating)
        if "embeds" in payload or creating:
            message.embeds = [self._resolve_embed(message, e) for e in payload.get("embeds") or []]
        elif files or "attachments" in payload:
            message.embeds = [self._resolve_embed(message, e) for e in message.embeds]
        message.updated_at = time.monotonic()

    def _new_attachment(
        self, message: Message, upload: UploadedFile, filename: str | None, description: str | None
    ) -> Attachment:
        attachment_id = payloads.snowflake()
        name = filename or upload.filename
        url = f"{self.public_base}/attachments/{message.channel_id}/{attachment_id}/{name}"
        content_type = payloads.guess_content_type(name, upload.data[:16]) or upload.content_type
        item = Attachment(attachment_id, name, upload.data, url, content_type, description)
        self.attachments[attachment_id] = item
        return item

    def _apply_attachments(
        self,
        message: Message,
        payload: dict[str, Any],
        files: list[UploadedFile],
        *,
        creating: bool,
    ) -> None:
        by_index = {_file_index(f.field): f for f in files}
        listed = payload.get("attachments")
        if listed is None:
            kept = [] if creating else list(message.attachments)
            message.attachments = kept + [
                self._new_attachment(message, f, None, None) for f in files
            ]
            return
        existing = {a.id: a for a in message.attachments}
        result: list[Attachment] = []
        for entry in listed:
            key = str(entry.get("id"))
            if key in existing:
                result.append(existing[key])
            elif key.isdigit() and int(key) in by_index:
                result.append(
                    self._new_attachment(
                        message, by_index[int(key)], entry.get("filename"), entry.get("description")
                    )
                )
        message.attachments = result

    def _resolve_embed(self, message: Message, embed: dict[str, Any]) -> dict[str, Any]:
        embed = copy.deepcopy(embed)
        embed.setdefault("type", "rich")
        by_name = {a.filename: a for a in message.attachments}
        by_url = {a.url: a for a in message.attachments}
        slots = [(s, "url") for s in EMBED_URL_SLOTS] + [(s, "icon_url") for s in EMBED_ICON_SLOTS]
        for slot, key in slots:
            part = embed.get(slot)
            if not isinstance(part, dict) or not isinstance(part.get(key), str):
                continue
            url = part[key]
            if url.startswith("attachment://"):
                found = by_name.get(url.removeprefix("attachment://"))
                if found is None:
                    self.on_broken(message, url)
                    continue
            else:
                found = by_url.get(url)
                if found is None:
                    continue
            part[key] = found.url
            if key == "url":
                part["proxy_url"] = found.url
                size = payloads.png_size(found.data)
                if size is not None:
                    part["width"], part["height"] = size
                part["content_type"] = found.content_type
            else:
                part["proxy_icon_url"] = found.url
        return embed


def _file_index(field: str) -> int:
    """files[3] -> 3 (any other field name: -1)."""
    if field.startswith("files[") and field.endswith("]") and field[6:-1].isdigit():
        return int(field[6:-1])
    return -1
