"""Figures for docs/reliability.md, and the suite-wide check that no bot token reaches a log.

Registered from tests/conftest.py. Two jobs:

* `record_figure(name, value, unit="")` keeps a figure the running test measured. With
  GD_TUTOR_RELIABILITY_JSON=<path> set, the outcome, docstring and figures of every test are
  written there when the session ends; scripts/reliability_report.py renders them.
* Every StandIn's token is a secret. A FileHandler on the root logger writes every log record
  of the session to a file, with the `discord` and `bot` loggers at INFO as `python -m bot` runs
  them (GD_TUTOR_TEST_LOG_LEVEL=DEBUG for everything); when the session ends, that file, the captured output and logs of every test, every *.log under the session's
  temp dir and the `python -m bot` subprocess logs are searched for every secret.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from discord_standin.server import StandIn

ENV = "GD_TUTOR_RELIABILITY_JSON"
LEVEL_ENV = "GD_TUTOR_TEST_LOG_LEVEL"  # DEBUG for the most verbose logs (long failure reports)
VERBOSE_LOGGERS = ("discord", "bot")
BOT_LOG_GLOB = "gd-tutor-bot-*.log"  # where discord_standin.running_bot writes by default


@dataclass
class Leak:
    """A secret found where it must never be."""

    where: str
    secret_hint: str  # the first characters only: a report must not print the secret itself


@dataclass
class SecretWatch:
    """The session's secrets, the places searched and what was found."""

    secrets: set[str] = field(default_factory=set)
    log_path: Path | None = None
    started: float = field(default_factory=time.time)
    searched: list[str] = field(default_factory=list)
    leaks: list[Leak] = field(default_factory=list)

    def search(self, where: str, text: str) -> None:
        """Note every secret that occurs in `text`."""
        self.searched.append(where)
        self.leaks += [Leak(where, s[:4] + "…") for s in self.secrets if s and s in text]


WATCH = SecretWatch()
FIGURES: dict[str, dict[str, Any]] = {}  # nodeid -> name -> {"value", "unit"}
RESULTS: dict[str, dict[str, Any]] = {}  # nodeid -> outcome, duration, docstring
_ran: set[str] = set()


def find_secrets(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets that occur in `text` (a plain substring search, as a reader would find them)."""
    return [s for s in secrets if s and s in text]


def _register_standin_tokens() -> None:
    """Make every StandIn created in this session register its token as a secret."""
    original = StandIn.__init__
    if getattr(original, "__reliability_wrapped__", False):
        return

    @functools.wraps(original)
    def init(self: StandIn, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        WATCH.secrets.add(self.token)

    init.__reliability_wrapped__ = True  # type: ignore[attr-defined]
    StandIn.__init__ = init  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    """Start the session log and the secret registry."""
    _register_standin_tokens()
    handle, name = tempfile.mkstemp(prefix="gd-tutor-session-", suffix=".log")
    os.close(handle)
    WATCH.log_path = Path(name)
    handler = logging.FileHandler(WATCH.log_path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.set_name("gd-tutor-session-log")
    logging.getLogger().addHandler(handler)
    level = os.environ.get(LEVEL_ENV, "INFO").upper()
    for name in VERBOSE_LOGGERS:
        logging.getLogger(name).setLevel(level)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Close the session log; delete it unless a secret was found in it."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == "gd-tutor-session-log":
            root.removeHandler(handler)
            handler.close()
    if WATCH.log_path is not None and not WATCH.leaks:
        WATCH.log_path.unlink(missing_ok=True)


def _bot_logs_since(started: float) -> list[Path]:
    folder = Path(tempfile.gettempdir())
    return [p for p in folder.glob(BOT_LOG_GLOB) if p.stat().st_mtime >= started - 1]


@pytest.fixture(scope="session", autouse=True)
def no_token_in_any_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretWatch]:
    """After the last test: no stand-in token in any log, captured output or bot log file."""
    yield WATCH
    for handler in logging.getLogger().handlers:
        handler.flush()
    if WATCH.log_path is not None:
        WATCH.search("the session log", WATCH.log_path.read_text(errors="replace"))
    basetemp = tmp_path_factory.getbasetemp()
    for path in sorted(basetemp.rglob("*.log")) + _bot_logs_since(WATCH.started):
        WATCH.search(str(path), path.read_text(errors="replace"))
    assert not WATCH.leaks, f"a bot token reached a log: {WATCH.leaks} (log: {WATCH.log_path})"


@pytest.fixture
def record_figure(request: pytest.FixtureRequest) -> Any:
    """`record_figure(name, value, unit="")`: a figure this test measured, for the record."""
    figures = FIGURES.setdefault(request.node.nodeid, {})

    def record(name: str, value: Any, unit: str = "") -> None:
        figures[name] = {"value": value, "unit": unit}

    return record


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Search what the test printed and logged; keep its outcome for the record."""
    for title, text in report.sections:
        WATCH.search(f"{report.nodeid} ({title})", text)
    if report.longrepr is not None:
        WATCH.search(f"{report.nodeid} (failure report)", report.longreprtext)
    entry = RESULTS.setdefault(report.nodeid, {"outcome": "passed", "seconds": 0.0})
    entry["seconds"] += report.duration
    if report.failed:
        entry["outcome"] = "failed" if report.when == "call" else "error"
    elif report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """Keep how many examples a hypothesis test passed, as a figure."""
    stats = getattr(item, "hypothesis_statistics", None)
    if call.when == "teardown" and isinstance(stats, str):
        passing = sum(int(n) for n in re.findall(r"(\d+) passing", stats))
        FIGURES.setdefault(item.nodeid, {})["hypothesis examples"] = {
            "value": passing,
            "unit": "passing",
        }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep each test's docstring: its first paragraph says what it tried, `Holds:` what held."""
    for item in items:
        doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
        RESULTS.setdefault(item.nodeid, {"outcome": "passed", "seconds": 0.0})["doc"] = doc


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the record when GD_TUTOR_RELIABILITY_JSON names a file."""
    target = os.environ.get(ENV)
    if not target:
        return
    tests = []
    for nodeid, result in RESULTS.items():
        if nodeid not in _ran:
            continue
        tests.append({"nodeid": nodeid, **result, "figures": FIGURES.get(nodeid, {})})
    record = {
        "tests": tests,
        "secrets": {
            "tokens": len(WATCH.secrets),
            "places_searched": len(WATCH.searched),
            "leaks": len(WATCH.leaks),
        },
    }
    Path(target).write_text(json.dumps(record, indent=1, default=str) + "\n")


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    """Remember which collected tests actually ran (deselected ones are left out)."""
    _ran.add(nodeid)
