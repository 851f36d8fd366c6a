"""What the tests that start their own servers share: a free loopback port, and a missing
server binary that fails the test under CI=true (those tests must run there) and skips it
elsewhere, saying how to install it."""

from __future__ import annotations

import os
import socket

import pytest


def free_port() -> int:
    """A loopback port nothing listens on (free when asked; bind it soon)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def missing_server(why: str, tests: str) -> None:
    """Fail (CI) or skip (elsewhere) because `why`; `tests` names what CI must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}: CI must run the {tests}", pytrace=False)
    pytest.skip(why)
