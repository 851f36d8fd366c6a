"""A real PostgreSQL server for the tests: initdb into a temporary folder, pg_ctl on a free port.

PostgreSQL refuses to run as root, so as root the server runs as `nobody` (the folder is
given to it). The binaries are Debian's (`postgresql`, under /usr/lib/postgresql/<v>/bin)
or the first initdb on PATH. Under CI=true a missing server fails the test; elsewhere it skips.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
from local_servers import free_port, missing_server

UNPRIVILEGED = "nobody"


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first; None when not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    versions.sort(key=lambda p: int(Path(p).parent.parent.name), reverse=True)
    return Path(versions[0]).parent if versions else None


def require_postgres_bin() -> Path:
    """postgres_bin(), or fail (CI) / skip (elsewhere) saying how to install it."""
    found = postgres_bin()
    if found is None:
        missing_server(
            "PostgreSQL is not installed (apt-get install postgresql)", "PostgreSQL tests"
        )
    return found


class PostgresServer:
    """One throw-away cluster on 127.0.0.1; `url(db)` for each database it holds."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="gd-tutor-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam(UNPRIVILEGED)
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as_user = ["runuser", "-u", UNPRIVILEGED, "--"]
        self._databases = 0

    def _run(self, tool: str, *args: str) -> None:
        command = [*self._as_user, str(self.bin / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stdout}{done.stderr}")

    def init(self) -> None:
        """initdb: a cluster whose superuser `postgres` logs in from loopback without a password."""
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "-N"
        )

    def start(self) -> None:
        """Start (or restart after stop) on the same port; returns once it accepts connections."""
        # fsync off: a test server that is never crashed needs no durability, and is faster.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c fsync=off"
            f" -c unix_socket_directories={self.root} -c max_connections=60"
        )
        log = str(self.root / "server.log")
        self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", log, "-o", options
        )

    def stop(self) -> None:
        """Stop at once (fast mode: sessions are cut, as when a server goes down)."""
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", str(self.data))

    def url(self, database: str = "postgres") -> str:
        """A libpq URL for `database` on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        self._databases += 1
        name = f"gd_tutor_test_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def remove(self) -> None:
        """Stop if running and delete the folder."""
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def started_server() -> PostgresServer:
    """A new server, initialised and started (failing or skipping when PostgreSQL is missing)."""
    server = PostgresServer(require_postgres_bin())
    try:
        server.init()
        server.start()
    except BaseException:
        server.remove()
        raise
    return server
