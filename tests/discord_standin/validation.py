"""Discord's message limits, answered the way Discord answers them (400, code 50035)."""

from __future__ import annotations

from typing import Any

FLAG_COMPONENTS_V2 = 1 << 15

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_ACTION_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_V2_COMPONENTS = 40
EMBED_FIELD_LIMITS = {"title": 256, "description": 4096}
MAX_FIELDS = 25


def _error(errors: dict[str, Any], path: list[str | int], code: str, message: str) -> None:
    node = errors
    for key in path:
        node = node.setdefault(str(key), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _embed_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for item in embed.get("fields") or []:
        total += len(item.get("name") or "") + len(item.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def _check_embeds(embeds: list[dict[str, Any]], errors: dict[str, Any]) -> None:
    if len(embeds) > MAX_EMBEDS:
        _error(
            errors, ["embeds"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length."
        )
    for index, embed in enumerate(embeds):
        for key, limit in EMBED_FIELD_LIMITS.items():
            if len(embed.get(key) or "") > limit:
                _error(
                    errors,
                    ["embeds", index, key],
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {limit} or fewer in length.",
                )
        fields = embed.get("fields") or []
        if len(fields) > MAX_FIELDS:
            _error(
                errors,
                ["embeds", index, "fields"],
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {MAX_FIELDS} or fewer in length.",
            )
        for number, item in enumerate(fields):
            if len(item.get("name") or "") > 256 or not item.get("name"):
                _error(
                    errors,
                    ["embeds", index, "fields", number, "name"],
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 256 in length.",
                )
            if len(item.get("value") or "") > 1024 or not item.get("value"):
                _error(
                    errors,
                    ["embeds", index, "fields", number, "value"],
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 1024 in length.",
                )
    if sum(_embed_length(e) for e in embeds) > MAX_EMBED_TOTAL:
        _error(
            errors, ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
        )


def _count_components(items: list[dict[str, Any]]) -> int:
    total = 0
    for item in items:
        total += 1
        for key in ("components", "accessory"):
            child = item.get(key)
            if isinstance(child, list):
                total += _count_components(child)
            elif isinstance(child, dict):
                total += _count_components([child])
    return total


def _check_components(components: list[dict[str, Any]], v2: bool, errors: dict[str, Any]) -> None:
    if v2:
        if _count_components(components) > MAX_V2_COMPONENTS:
            _error(
                errors,
                ["components"],
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {MAX_V2_COMPONENTS} or fewer in length.",
            )
        return
    if len(components) > MAX_ACTION_ROWS:
        _error(
            errors,
            ["components"],
            "BASE_TYPE_MAX_LENGTH",
            f"Must be {MAX_ACTION_ROWS} or fewer in length.",
        )
    for index, row in enumerate(components):
        if row.get("type") != 1:
            _error(
                errors,
                ["components", index, "type"],
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of (1,).',
            )
            continue
        children = row.get("components") or []
        if not children or len(children) > MAX_ROW_BUTTONS:
            _error(
                errors,
                ["components", index, "components"],
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {MAX_ROW_BUTTONS} in length.",
            )
        for number, child in enumerate(children):
            custom_id = child.get("custom_id")
            if custom_id is not None and not 1 <= len(custom_id) <= 100:
                _error(
                    errors,
                    ["components", index, "components", number, "custom_id"],
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
            if len(child.get("label") or "") > 80:
                _error(
                    errors,
                    ["components", index, "components", number, "label"],
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 80 or fewer in length.",
                )


def message_errors(payload: dict[str, Any]) -> dict[str, Any]:
    """Form-body errors of a message create/edit payload ({} when it is valid)."""
    errors: dict[str, Any] = {}
    flags = int(payload.get("flags") or 0)
    v2 = bool(flags & FLAG_COMPONENTS_V2)
    content = payload.get("content")
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        _error(
            errors,
            ["content"],
            "BASE_TYPE_MAX_LENGTH",
            f"Must be {MAX_CONTENT} or fewer in length.",
        )
    if v2 and content:
        _error(
            errors,
            ["content"],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
        )
    embeds = payload.get("embeds") or []
    if embeds:
        _check_embeds(embeds, errors)
    components = payload.get("components") or []
    if components:
        _check_components(components, v2, errors)
    return errors


def is_empty_message(payload: dict[str, Any], *, has_files: bool) -> bool:
    """A new message with nothing to show (Discord: 50006 Cannot send an empty message)."""
    return not (
        payload.get("content")
        or payload.get("embeds")
        or payload.get("components")
        or payload.get("sticker_ids")
        or payload.get("poll")
        or has_files
    )


def form_error_body(errors: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of a 400 Invalid Form Body answer."""
    return {"message": "Invalid Form Body", "code": 50035, "errors": errors}
