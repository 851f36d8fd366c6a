"""A real Redis server for the tests: Debian's `redis-server` on a free loopback port in a
temporary folder, append-only (so a restart keeps the queue's stream), stopped afterwards.

Under CI=true a missing server fails the test; elsewhere it skips saying how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis
from local_servers import free_port, missing_server

DEBIAN_BINARY = "/usr/bin/redis-server"


def redis_binary() -> str | None:
    """The redis-server to run: Debian's, else the first on PATH; None when not installed."""
    if os.access(DEBIAN_BINARY, os.X_OK):
        return DEBIAN_BINARY
    return shutil.which("redis-server")


def require_redis_binary() -> str:
    """redis_binary(), or fail (CI) / skip (elsewhere) saying how to install it."""
    found = redis_binary()
    if found is None:
        missing_server("Redis is not installed (apt-get install redis-server)", "queue tests")
    return found


class RedisServer:
    """One throw-away server on 127.0.0.1; `url` points at its database 0."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="gd-tutor-redis-"))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The redis:// URL of database 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (or restart after stop) on the same port and folder; returns once it answers."""
        command = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.root),
            "--appendonly", "yes",
            "--appendfsync", "always",  # a job the gateway was told is queued survives a crash
            "--save", "",
            "--daemonize", "no",
            "--logfile", str(self.root / "server.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=self.root)
        deadline = time.monotonic() + 30
        while True:
            try:
                with redis.Redis(port=self.port, socket_timeout=1) as client:
                    if client.ping():
                        return
            except redis.exceptions.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.root / "server.log").read_text(errors="replace")
                raise RuntimeError(f"redis-server did not start: {log}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop it (SIGTERM: Redis finishes writing its append-only file) and wait."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        self.process = None

    def remove(self) -> None:
        """Stop if running and delete the folder."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def started_redis() -> RedisServer:
    """A new server, started (failing or skipping when Redis is missing)."""
    server = RedisServer(require_redis_binary())
    try:
        server.start()
    except BaseException:
        server.remove()
        raise
    return server
