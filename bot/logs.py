"""Log lines as text or as JSON objects, with the shard, interaction and job they concern.

`log_context(shard=..., interaction=..., job=...)` sets what a line is about for the code that
runs inside it, tasks it starts included (contextvars); both formats leave out any secret:
the bot token, and the interaction tokens in webhook and callback URLs (discord.py names the
route when it logs a rate limit or an HTTP error).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar

T = TypeVar("T")

shard_var: ContextVar[int | None] = ContextVar("shard", default=None)
interaction_var: ContextVar[int | None] = ContextVar("interaction", default=None)
job_var: ContextVar[str | None] = ContextVar("job", default=None)

_CONTEXT = (("shard", shard_var), ("interaction", interaction_var), ("job", job_var))
# .../interactions/<id>/<token>/callback and .../webhooks/<application id>/<token>/...
_URL_TOKEN = re.compile(r"(/(?:interactions|webhooks)/\d+/)[A-Za-z0-9_.\-]{20,}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@contextlib.contextmanager
def log_context(
    *, shard: int | None = None, interaction: int | None = None, job: str | None = None
) -> Iterator[None]:
    """Within the block (and tasks started in it), log lines carry these ids (None: unchanged)."""
    with contextlib.ExitStack() as stack:
        _set(stack, shard_var, shard)
        _set(stack, interaction_var, interaction)
        _set(stack, job_var, job)
        yield


def _set(stack: contextlib.ExitStack, var: ContextVar[T | None], value: T | None) -> None:
    if value is not None:
        stack.callback(var.reset, var.set(value))


class Redactor:
    """Replaces secrets in a finished line with `***`."""

    def __init__(self, secrets: Iterable[str]) -> None:
        """`secrets`: literal strings never to print (empty ones are ignored)."""
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """`text` without any secret."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _URL_TOKEN.sub(r"\1***", text)


class TextFormatter(logging.Formatter):
    """The classic `time LEVEL logger: message` line, with secrets taken out."""

    def __init__(self, redact: Redactor) -> None:
        """Format like TEXT_FORMAT, then redact."""
        super().__init__(TEXT_FORMAT)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        """One line (and a traceback below it, if any)."""
        return self.redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, shard/interaction/job when known."""

    def __init__(self, redact: Redactor) -> None:
        """Redact every string before it is written."""
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON (a traceback goes in "exception")."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        for name, var in _CONTEXT:
            value = getattr(record, name, None)
            if value is None:
                value = var.get()
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def setup_logging(format: str, secrets: Iterable[str] = ()) -> None:
    """Send INFO and above to stderr as `format` ("text" or "json"), never showing `secrets`.

    Like logging.basicConfig, it leaves a root logger that already has handlers alone.
    """
    root = logging.getLogger()
    if root.handlers:
        return
    redact = Redactor(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(redact) if format == "json" else TextFormatter(redact))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
