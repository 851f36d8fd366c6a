"""What the stand-in records: requests, messages as a user sees them, callbacks, violations, faults."""

from __future__ import annotations

import asyncio
import copy
import re
import time
from dataclasses import dataclass, field
from typing import Any

from . import payloads

MESSAGE_FLAG_EPHEMERAL = 64
MESSAGE_FLAG_LOADING = 128


@dataclass
class RequestRecord:
    """One REST request the client made, and how the stand-in answered it."""

    method: str
    path: str  # relative to the API base, e.g. "/webhooks/1/abc/messages/@original"
    query: dict[str, str]
    json: Any  # the JSON body, or the payload_json part of a multipart body
    files: list[UploadedFile]
    time: float  # time.monotonic() when it arrived
    status: int = 0
    response: Any = None
    injected: bool = False  # answered by fail_next instead of the normal handler
    kind: str = ""  # route name, e.g. "interaction_callback", "webhook_execute"

    @property
    def message_payload(self) -> dict[str, Any] | None:
        """The message fields this request sends or edits (callback data for types 4 and 7)."""
        if self.kind == "interaction_callback":
            if isinstance(self.json, dict) and self.json.get("type") in (4, 7):
                data = self.json.get("data")
                return data if isinstance(data, dict) else {}
            return None
        if self.kind in (
            "webhook_execute",
            "webhook_message_edit",
            "channel_message_create",
            "channel_message_edit",
        ):
            return self.json if isinstance(self.json, dict) else {}
        return None


@dataclass
class UploadedFile:
    """A `files[n]` part of a multipart request."""

    field: str
    filename: str
    data: bytes
    content_type: str | None

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


@dataclass
class Attachment:
    """An attachment kept by the stand-in, with its bytes."""

    id: str
    filename: str
    data: bytes
    url: str
    content_type: str | None
    description: str | None = None

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def to_payload(self) -> dict[str, Any]:
        """The attachment object Discord returns."""
        data = payloads.attachment_object(
            self.id, self.filename, self.size, self.url, self.content_type, self.description
        )
        size = payloads.png_size(self.data)
        if size is not None:
            data["width"], data["height"] = size
        return data


@dataclass
class Edit:
    """One change of a message: the request fields and the message right after."""

    time: float
    message_id: str
    request: dict[str, Any]
    snapshot: dict[str, Any]


@dataclass
class Message:
    """A message as a Discord user would see it, in its latest state."""

    id: str
    channel_id: str
    author: dict[str, Any]
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None  # as sent in the latest request
    tts: bool = False
    type: int = 0
    guild_id: str | None = None
    interaction_id: str | None = None
    application_id: str | None = None
    interaction_metadata: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    created_at: float = field(default_factory=time.monotonic)
    updated_at: float = field(default_factory=time.monotonic)
    timestamp: str = field(default_factory=payloads.iso_now)
    edited_timestamp: str | None = None
    deleted: bool = False
    edits: list[Edit] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        """Only the invoking user sees it."""
        return bool(self.flags & MESSAGE_FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Still the "Bot is thinking..." placeholder of a deferred interaction."""
        return bool(self.flags & MESSAGE_FLAG_LOADING)

    def buttons(self) -> list[dict[str, Any]]:
        """Every interactive component (buttons, selects) in the message, depth first."""
        found: list[dict[str, Any]] = []

        def walk(items: list[dict[str, Any]]) -> None:
            for item in items:
                if item.get("type") in (2, 3, 5, 6, 7, 8):
                    found.append(item)
                for key in ("components", "accessory"):
                    child = item.get(key)
                    if isinstance(child, list):
                        walk(child)
                    elif isinstance(child, dict):
                        walk([child])

        walk(self.components)
        return found

    def component(self, custom_id: str) -> dict[str, Any] | None:
        """The interactive component with this custom_id, if the message has one."""
        for item in self.buttons():
            if item.get("custom_id") == custom_id:
                return item
        return None

    def attachment(self, filename: str) -> Attachment | None:
        """The attachment with this filename, if any."""
        for item in self.attachments:
            if item.filename == filename:
                return item
        return None

    def embed_attachment(self, index: int = 0, slot: str = "image") -> Attachment | None:
        """The attachment an embed's image/thumbnail points at (after attachment:// resolution)."""
        if index >= len(self.embeds):
            return None
        url = (self.embeds[index].get(slot) or {}).get("url")
        for item in self.attachments:
            if item.url == url:
                return item
        return None

    def to_payload(self) -> dict[str, Any]:
        """The message object the REST API and the gateway return."""
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "channel_id": self.channel_id,
            "author": self.author,
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "mention_channels": [],
            "attachments": [a.to_payload() for a in self.attachments],
            "embeds": copy.deepcopy(self.embeds),
            "components": copy.deepcopy(self.components),
            "pinned": False,
            "flags": self.flags,
            "position": 0,
        }
        if self.application_id is not None:
            data["webhook_id"] = self.application_id
            data["application_id"] = self.application_id
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = copy.deepcopy(self.interaction_metadata)
        if self.message_reference is not None:
            data["message_reference"] = dict(self.message_reference)
        return data


@dataclass
class CallbackRecord:
    """The accepted first answer to an interaction."""

    type: int
    data: dict[str, Any]
    when: float  # time.monotonic()
    elapsed: float  # seconds since the interaction was dispatched
    message: Message | None = None  # the message the callback created or updated

    @property
    def ephemeral(self) -> bool:
        """Flags 64 in the callback data."""
        return bool(int(self.data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL)

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices (type 8)."""
        return list(self.data.get("choices") or [])


@dataclass
class Violation:
    """A request Discord would have rejected (or a rule the client broke)."""

    kind: str  # e.g. "late_callback", "double_callback", "limit", "unknown_route"
    code: int  # Discord JSON error code (0 when none)
    method: str
    path: str
    detail: str
    time: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """A planned failure for the next requests that match; see StandIn.fail_next."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float
    hits: list[RequestRecord] = field(default_factory=list)
    recovered: RequestRecord | None = None  # first later success on a path that was failed
    _event: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def matches(self, method: str, path: str) -> bool:
        """Whether a request should be failed by this fault now."""
        return (
            len(self.hits) < self.times
            and self.method in ("*", method)
            and self.pattern.search(path) is not None
        )

    def note_success(self, record: RequestRecord) -> None:
        """Record the first successful retry of a request this fault failed."""
        if self.recovered is None and any(
            h.method == record.method and h.path == record.path for h in self.hits
        ):
            self.recovered = record
            self._event.set()

    async def wait_recovered(self, timeout: float = 10.0) -> RequestRecord:
        """Wait until a failed request was retried and succeeded; return that request."""
        await asyncio.wait_for(self._event.wait(), timeout)
        assert self.recovered is not None
        return self.recovered
