"""The REST API machinery: routing, body parsing, auth, upload limits and fault injection."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import validation
from .interactions import error
from .records import RequestRecord, UploadedFile

if TYPE_CHECKING:
    from .server import StandIn

Reply = tuple[int, Any]
UNAUTHORIZED = error(0, "401: Unauthorized")
NOT_FOUND = error(0, "404: Not Found")
TOO_LARGE = error(40005, "Request entity too large")
MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024  # attachment_size_limit of an unboosted guild


@dataclass
class Call:
    """One parsed request, handed to a route handler."""

    standin: StandIn
    record: RequestRecord
    groups: dict[str, str]

    @property
    def body(self) -> Any:
        """The JSON body (or payload_json)."""
        return self.record.json

    @property
    def files(self) -> list[UploadedFile]:
        """The files[n] parts."""
        return self.record.files


Handler = Callable[[Call], Awaitable[Reply]]


@dataclass
class Route:
    """A method and path pattern (relative to /api/vN) with its handler."""

    method: str
    pattern: re.Pattern[str]
    kind: str
    handler: Handler
    auth: bool


class RouteTable:
    """Handlers by method and path pattern; `@table.route(...)` registers one."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def route(
        self, method: str, path: str, kind: str, *, auth: bool = True
    ) -> Callable[[Handler], Handler]:
        """Register a handler for METHOD and a path pattern with named groups."""

        def register(handler: Handler) -> Handler:
            self.routes.append(Route(method, re.compile(f"^{path}$"), kind, handler, auth))
            return handler

        return register


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON answer with Content-Type exactly application/json, as discord.py requires."""
    if status == 204 or body is None:
        return web.Response(status=status, headers=headers)
    data = json.dumps(body).encode()
    return web.Response(
        status=status, body=data, headers={"Content-Type": "application/json", **(headers or {})}
    )


def ratelimit_headers(bucket: str, *, remaining: int, reset_after: float) -> dict[str, str]:
    """The X-RateLimit-* headers Discord sends with every API answer."""
    return {
        "X-RateLimit-Limit": "5" if remaining == 0 else "50",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": bucket,
    }


async def parse_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """JSON body, or a multipart body's payload_json part and files[n] parts (bytes kept)."""
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        body: Any = None
        files: list[UploadedFile] = []
        async for part in reader:
            data = await part.read(decode=False)  # type: ignore[union-attr]
            name = part.name or ""
            if name == "payload_json":
                body = json.loads(data.decode())
            else:
                content_type = part.headers.get("Content-Type")
                files.append(UploadedFile(name, part.filename or name, bytes(data), content_type))
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    return json.loads(raw.decode()), []


async def handle(standin: StandIn, table: RouteTable, request: web.Request) -> web.Response:
    """The catch-all API handler."""
    path = "/" + request.match_info["tail"]
    body, files = await parse_body(request)
    record = RequestRecord(request.method, path, dict(request.query), body, files, time.monotonic())
    standin.requests.append(record)
    status, answer, headers = await _answer(standin, table, request, record)
    record.status, record.response = status, answer
    if 200 <= status < 300:
        for fault in standin.faults:
            fault.note_success(record)
    standin.changed()
    return json_response(status, answer, headers)


async def _answer(
    standin: StandIn, table: RouteTable, request: web.Request, record: RequestRecord
) -> tuple[int, Any, dict[str, str]]:
    bucket = f"standin-{record.method}-{record.path.split('/')[1] if '/' in record.path else ''}"
    for fault in standin.faults:
        if fault.matches(record.method, record.path):
            fault.hits.append(record)
            record.injected = True
            return _fault_answer(fault.status, fault.retry_after, bucket)
    allowed = [r for r in table.routes if r.pattern.match(record.path)]
    if not allowed:
        standin.violation("unknown_route", 0, record.method, record.path, "no such API route")
        return 404, NOT_FOUND, {}
    match = next((r for r in allowed if r.method == record.method), None)
    if match is None:
        standin.violation("unknown_route", 0, record.method, record.path, "method not allowed")
        return 405, error(0, "405: Method Not Allowed"), {}
    record.kind = match.kind
    if match.auth and request.headers.get("Authorization") != f"Bot {standin.token}":
        standin.violation(
            "unauthorized", 0, record.method, record.path, "missing or wrong bot token"
        )
        return 401, UNAUTHORIZED, {}
    if any(f.size > MAX_FILE_BYTES for f in record.files):
        standin.violation("too_large", 40005, record.method, record.path, "a file over 10 MiB")
        return 413, TOO_LARGE, {}
    if len(record.files) > MAX_FILES:
        standin.violation("limit", 50035, record.method, record.path, f"{len(record.files)} files")
        errors = {
            "files": {
                "_errors": [
                    {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 10 or fewer in length."}
                ]
            }
        }
        return 400, validation.form_error_body(errors), {}
    groups = match.pattern.match(record.path).groupdict()  # type: ignore[union-attr]
    status, answer = await match.handler(Call(standin, record, groups))
    return status, answer, ratelimit_headers(bucket, remaining=49, reset_after=1.0)


def _fault_answer(status: int, retry_after: float, bucket: str) -> tuple[int, Any, dict[str, str]]:
    if status == 429:
        headers = ratelimit_headers(bucket, remaining=0, reset_after=retry_after)
        headers.update(
            {
                "Via": "1.1 google",
                "Retry-After": str(max(1, round(retry_after))),
                "X-RateLimit-Scope": "user",
            }
        )
        return (
            429,
            {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
            headers,
        )
    return status, error(0, f"{status}: Internal Server Error"), {}
