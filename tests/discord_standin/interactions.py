"""Interactions: the handle tests hold, and Discord's rules for callbacks, followups and edits."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from . import modal_rules, validation
from .records import CallbackRecord, Edit, Message, UploadedFile

if TYPE_CHECKING:
    from .server import StandIn

Reply = tuple[int, Any]

COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
ALLOWED_CALLBACKS = {
    COMMAND: {4, 5, 9},
    COMPONENT: {4, 5, 6, 7, 9},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}
FOLLOWUP_TTL = 15 * 60.0


def error(code: int, message: str) -> dict[str, Any]:
    """Discord's JSON error body."""
    return {"message": message, "code": code}


UNKNOWN_INTERACTION = error(10062, "Unknown interaction")
UNKNOWN_WEBHOOK = error(10015, "Unknown Webhook")
UNKNOWN_MESSAGE = error(10008, "Unknown Message")
ALREADY_ACKNOWLEDGED = error(40060, "Interaction has already been acknowledged.")
EMPTY_MESSAGE = error(50006, "Cannot send an empty message")


class InteractionHandle:
    """One interaction the stand-in dispatched, and everything the bot did in answer."""

    def __init__(
        self, standin: StandIn, payload: dict[str, Any], source: Message | None = None
    ) -> None:
        self.standin = standin
        self.payload = payload
        self.id: str = payload["id"]
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.locale: str = payload.get("locale", "en-US")
        self.user: dict[str, Any] = (
            (payload.get("member") or {}).get("user") or payload.get("user") or {}
        )
        self.channel_id: str = payload["channel_id"]
        self.source = source  # the message a component interaction came from
        self.shard: tuple[int, int] | None = None  # (shard_id, shard_count) it was dispatched to
        self.created = time.monotonic()
        self.callback: CallbackRecord | None = None
        self.expired = False  # a callback came after the deadline
        self.original: Message | None = None  # what @original points at
        self.messages: list[
            Message
        ] = []  # original first, then followups (and the clicked message)
        self.last_change = self.created

    @property
    def name(self) -> str | None:
        """The command name (None for component interactions)."""
        return (self.payload.get("data") or {}).get("name")

    @property
    def edits(self) -> list[Edit]:
        """Edits of the original response made since this interaction, in order.

        The followup that fills a deferred "thinking" message counts as an edit; for a component
        interaction the original is the message the component is on.
        """
        if self.original is None:
            return []
        return [e for e in self.original.edits if e.time >= self.created]

    def visible_messages(self) -> list[Message]:
        """Messages of this interaction the user has seen with content (not the thinking placeholder)."""
        return [m for m in self.messages if not m.loading]

    def _touch(self, message: Message | None = None) -> None:
        if message is not None and message not in self.messages:
            self.messages.append(message)
        self.last_change = time.monotonic()
        self.standin.changed()

    async def wait_callback(self, timeout: float = 5.0) -> CallbackRecord:
        """The accepted first answer (type, data, ephemeral, elapsed)."""
        return await self.standin.signal.wait_for(
            lambda: self.callback, timeout, f"a callback to interaction {self.name or self.id}"
        )

    async def wait_messages(self, n: int = 1, timeout: float = 5.0) -> list[Message]:
        """Wait until `n` messages (not counting a thinking placeholder) exist; return them all."""
        return await self.standin.signal.wait_for(
            lambda: self.visible_messages() if len(self.visible_messages()) >= n else None,
            timeout,
            f"{n} message(s) from interaction {self.name or self.id}",
        )

    async def wait_final(self, timeout: float = 10.0, quiet: float = 0.3) -> Message:
        """The message changed last, once nothing is loading and the bot was quiet for `quiet` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        await self.wait_messages(1, timeout)
        while True:
            settled = not any(m.loading and not m.deleted for m in self.messages)
            if settled and time.monotonic() - self.last_change >= quiet:
                shown = [
                    m for m in self.visible_messages() if not m.deleted
                ] or self.visible_messages()
                return max(shown, key=lambda m: m.updated_at)
            if loop.time() > deadline:
                raise TimeoutError(f"stand-in: interaction {self.name or self.id} did not settle")
            await asyncio.sleep(0.05)


class InteractionRules:
    """Answers callback and webhook requests the way Discord does, recording every violation."""

    def __init__(self, standin: StandIn) -> None:
        self.standin = standin
        self.store = standin.store

    def _violation(
        self, kind: str, body: dict[str, Any], method: str, path: str, detail: str
    ) -> None:
        self.standin.violation(kind, int(body.get("code", 0)), method, path, detail)

    def _check_message(
        self,
        payload: dict[str, Any],
        files: list[UploadedFile],
        path: str,
        method: str,
        *,
        creating: bool,
    ) -> Reply | None:
        errors = validation.message_errors(payload)
        if errors:
            body = validation.form_error_body(errors)
            self.standin.violation("limit", 50035, method, path, repr(errors))
            return 400, body
        if creating and validation.is_empty_message(payload, has_files=bool(files)):
            self._violation(
                "empty_message", EMPTY_MESSAGE, method, path, "no content, embeds or files"
            )
            return 400, EMPTY_MESSAGE
        return None

    def _message_fields(self, handle: InteractionHandle) -> dict[str, Any]:
        metadata = {
            "id": handle.id,
            "type": handle.type,
            "user": handle.user,
            "authorizing_integration_owners": handle.payload.get(
                "authorizing_integration_owners", {}
            ),
        }
        if handle.name is not None:
            metadata["name"] = handle.name
            metadata["command_type"] = 1
        return {
            "guild_id": handle.payload.get("guild_id"),
            "interaction_id": handle.id,
            "application_id": self.standin.application_id,
            "interaction_metadata": metadata,
            "type": 20 if handle.type == COMMAND else 0,
        }

    def callback(
        self, handle: InteractionHandle, body: dict[str, Any], files: list[UploadedFile], path: str
    ) -> Reply:
        """POST /interactions/{id}/{token}/callback."""
        elapsed = time.monotonic() - handle.created
        if handle.expired or elapsed > self.standin.callback_deadline:
            handle.expired = True
            self._violation(
                "late_callback",
                UNKNOWN_INTERACTION,
                "POST",
                path,
                f"first callback after {elapsed:.2f} s",
            )
            handle._touch()
            return 404, UNKNOWN_INTERACTION
        if handle.callback is not None:
            self._violation(
                "double_callback",
                ALREADY_ACKNOWLEDGED,
                "POST",
                path,
                f"second callback type {body.get('type')}",
            )
            return 400, ALREADY_ACKNOWLEDGED
        kind = body.get("type")
        data = body.get("data") or {}
        if kind not in ALLOWED_CALLBACKS.get(handle.type, set()):
            self.standin.violation(
                "invalid_callback_type",
                50035,
                "POST",
                path,
                f"callback type {kind} for interaction type {handle.type}",
            )
            return 400, validation.form_error_body(
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": "Interaction response type is invalid",
                            }
                        ]
                    }
                }
            )
        message: Message | None = None
        if kind == 9:
            problems = modal_rules.modal_errors(data)
            if problems:
                self.standin.violation("limit", 50035, "POST", path, repr(problems))
                return 400, validation.form_error_body(problems)
        if kind in (4, 7):
            problem = self._check_message(data, files, path, "POST", creating=kind == 4)
            if problem is not None:
                return problem
        if kind == 8 and len(data.get("choices") or []) > 25:
            self.standin.violation("limit", 50035, "POST", path, "more than 25 choices")
            return 400, validation.form_error_body(
                {
                    "data": {
                        "choices": {
                            "_errors": [
                                {
                                    "code": "BASE_TYPE_MAX_LENGTH",
                                    "message": "Must be 25 or fewer in length.",
                                }
                            ]
                        }
                    }
                }
            )
        if kind == 4:
            message = self.store.create(
                handle.channel_id, data, files, **self._message_fields(handle)
            )
            handle.original = message
        elif kind == 5:
            flags = 128 | (int(data.get("flags") or 0) & 64)
            message = self.store.placeholder(
                handle.channel_id, flags, **self._message_fields(handle)
            )
            handle.original = message
        elif kind in (6, 7):
            message = handle.source
            handle.original = message
            if kind == 7 and message is not None:
                self.store.edit(message, data, files)
        handle.callback = CallbackRecord(kind, data, time.monotonic(), elapsed, message)
        handle._touch(message if kind != 6 else None)
        return 200, self._callback_answer(handle, kind, message)

    def _callback_answer(
        self, handle: InteractionHandle, kind: int, message: Message | None
    ) -> dict[str, Any]:
        interaction: dict[str, Any] = {
            "id": handle.id,
            "type": handle.type,
            "activity_instance_id": None,
        }
        answer: dict[str, Any] = {"interaction": interaction}
        if message is not None:
            interaction["response_message_id"] = message.id
            interaction["response_message_loading"] = message.loading
            interaction["response_message_ephemeral"] = message.ephemeral
        if kind in (4, 7) and message is not None:
            answer["resource"] = {"type": kind, "message": message.to_payload()}
        elif kind in (5, 6):
            answer["resource"] = {"type": kind}
        return answer

    def _usable(self, handle: InteractionHandle | None, method: str, path: str) -> Reply | None:
        if handle is None:
            self._violation(
                "unknown_webhook", UNKNOWN_WEBHOOK, method, path, "no interaction has this token"
            )
            return 404, UNKNOWN_WEBHOOK
        if handle.callback is None:
            self._violation(
                "before_callback",
                UNKNOWN_WEBHOOK,
                method,
                path,
                "webhook request before the interaction was answered",
            )
            return 404, UNKNOWN_WEBHOOK
        if time.monotonic() - handle.created > FOLLOWUP_TTL:
            body = error(50027, "Invalid Webhook Token")
            self._violation("expired_token", body, method, path, "token older than 15 minutes")
            return 401, body
        return None

    def followup(
        self,
        handle: InteractionHandle | None,
        body: dict[str, Any],
        files: list[UploadedFile],
        wait: bool,
        path: str,
    ) -> Reply:
        """POST /webhooks/{app}/{token}: the first one after a defer fills the thinking message."""
        problem = self._usable(handle, "POST", path) or self._check_message(
            body, files, path, "POST", creating=True
        )
        if problem is not None:
            return problem
        assert handle is not None
        original = handle.original
        if original is not None and original.loading and not original.deleted:
            message = self.store.replace_placeholder(original, body, files)
        else:
            message = self.store.create(
                handle.channel_id, body, files, **self._message_fields(handle)
            )
        handle._touch(message)
        return (200, message.to_payload()) if wait else (204, None)

    def _target(self, handle: InteractionHandle, message_id: str) -> Message | None:
        if message_id == "@original":
            return handle.original
        for message in handle.messages:
            if message.id == message_id:
                return message
        return None

    def get_message(self, handle: InteractionHandle | None, message_id: str, path: str) -> Reply:
        """GET /webhooks/{app}/{token}/messages/{id or @original}."""
        problem = self._usable(handle, "GET", path)
        if problem is not None:
            return problem
        assert handle is not None
        message = self._target(handle, message_id)
        if message is None or message.deleted:
            return 404, UNKNOWN_MESSAGE
        return 200, message.to_payload()

    def edit_message(
        self,
        handle: InteractionHandle | None,
        message_id: str,
        body: dict[str, Any],
        files: list[UploadedFile],
        path: str,
    ) -> Reply:
        """PATCH /webhooks/{app}/{token}/messages/{id or @original}."""
        problem = self._usable(handle, "PATCH", path) or self._check_message(
            body, files, path, "PATCH", creating=False
        )
        if problem is not None:
            return problem
        assert handle is not None
        message = self._target(handle, message_id)
        if message is None or message.deleted:
            self._violation(
                "unknown_message", UNKNOWN_MESSAGE, "PATCH", path, f"no message {message_id}"
            )
            return 404, UNKNOWN_MESSAGE
        self.store.edit(message, body, files)
        handle._touch(message)
        return 200, message.to_payload()

    def delete_message(self, handle: InteractionHandle | None, message_id: str, path: str) -> Reply:
        """DELETE /webhooks/{app}/{token}/messages/{id or @original}."""
        problem = self._usable(handle, "DELETE", path)
        if problem is not None:
            return problem
        assert handle is not None
        message = self._target(handle, message_id)
        if message is None or message.deleted:
            self._violation(
                "unknown_message", UNKNOWN_MESSAGE, "DELETE", path, f"no message {message_id}"
            )
            return 404, UNKNOWN_MESSAGE
        message.deleted = True
        handle._touch(message)
        return 204, None
