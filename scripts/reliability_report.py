"""Run the reliability tests and write docs/reliability.md from what they measured.

    .venv/bin/python scripts/reliability_report.py            # run the tests, write the record
    .venv/bin/python scripts/reliability_report.py --from-json record.json   # only render

The tests write their outcome and figures (tests/reliability_record.py, `record_figure`) to the
JSON file named by GD_TUTOR_RELIABILITY_JSON. Set GD_TUTOR_IMAGE=localhost/gd-tutor:ci to include
the read-only container test. Exits with pytest's status.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "reliability.md"

OWN_FILES = [
    "tests/test_hostile_numbers.py",
    "tests/test_load.py",
    "tests/test_faults.py",
    "tests/test_security.py",
    "tests/test_scale_queue.py",
]
# Tests of other suites that the record relies on, with what they try and what holds (they
# have no docstrings of this form).
BORROWED: dict[str, tuple[str, str]] = {
    "tests/test_equation.py::test_hostile_corpus_is_safe_and_fast": (
        "Every input of the hostile corpus parsed (cache cleared) and used as the solver and "
        "the bot use it.",
        "Each gives an EquationError with a reason or a safe Equation within 50 ms; the canary "
        "file is never created.",
    ),
    "tests/test_equation.py::test_hostile_corpus_mostly_refused_with_reasons": (
        "The corpus sorted by the parser's refusal codes.",
        "Towers, 1e309, huge literals, deep nesting, injection and look-alikes are refused with "
        "their own code; fewer than a quarter are accepted.",
    ),
    "tests/test_equation.py::test_no_code_is_compiled_or_run_for_user_text": (
        "The corpus and the accepted forms under an audit hook on exec, compile, os.system, "
        "subprocess.Popen and open.",
        "No such event for any user text.",
    ),
    "tests/test_equation.py::test_memory_stays_bounded": (
        "The whole corpus under tracemalloc.",
        "Peak allocation under 20 MiB.",
    ),
    "tests/test_equation.py::test_fuzz_arbitrary_text": (
        "Hypothesis: arbitrary Unicode text up to 300 characters.",
        "An EquationError with a reason or a safe Equation within 50 ms; never an internal error.",
    ),
    "tests/test_equation.py::test_fuzz_text_from_the_language": (
        "Hypothesis: strings of the language's own tokens, NUL, RTL marks and look-alikes.",
        "An EquationError with a reason or a safe Equation within 50 ms.",
    ),
    "tests/test_equation.py::test_fuzz_grammar_value_and_slope_agree_with_torch": (
        "Hypothesis: random well-formed equations at five points.",
        "Within 50 ms; value and slope agree with torch autograd or both fail.",
    ),
    "tests/test_bot_discord.py::test_gateway_drop_then_resume_and_the_reply_still_arrives": (
        "The gateway closed (4000) while a run is computing.",
        "The bot RESUMEs and the reply still arrives; the next command is answered.",
    ),
    "tests/test_bot_discord.py::test_api_429_and_500_are_retried": (
        "Editing the original response answered 429 and 500 once.",
        "discord.py retries; the reply arrives.",
    ),
    "tests/test_bot_discord.py::test_full_queue_answers_busy_at_once": (
        "A third /solve while one worker and a queue of one are taken.",
        "It is told busy at once and ephemerally; the two admitted runs are answered.",
    ),
    "tests/test_bot_discord.py::test_a_failed_worker_answers_with_an_error_and_the_bot_keeps_serving": (
        "The picture fails to render inside the worker.",
        "The user reads an error; the next /solve works.",
    ),
    "tests/test_bot_discord.py::test_the_token_never_reaches_the_logs": (
        "A bot session at DEBUG with a failing worker, under caplog.",
        "The token is not in any captured record.",
    ),
    "tests/test_work_pool.py::test_broken_executor_fails_that_job_and_the_pool_recovers": (
        "The pool's executor breaks (its initializer fails).",
        "That job fails; the pool starts a new executor and the next job runs.",
    ),
}
AREAS = {  # in the order of the record
    "test_equation.py": "Hostile equations: the parser",
    "test_security.py": "Security: hostile equations through the bot, mentions, markdown, "
    "tokens, the image",
    "test_hostile_numbers.py": "Hostile numbers",
    "test_load.py": "Overload",
    "test_faults.py": "Faults and restarts",
    "test_work_pool.py": "Faults and restarts",
    "test_bot_discord.py": "Faults and limits in the end-to-end suite",
    "test_scale_queue.py": "Distributed faults",
}


NOTES = [
    "- Acknowledgement times are measured by the stand-in, from dispatching the interaction "
    "to receiving its first callback; bot, stand-in and test share one event loop and two CPUs.",
    "- discord.py warns that the heartbeat was blocked only after 10 s; the burst runs with a "
    "0.5 s heartbeat interval and the record adds the largest gap between heartbeats and the "
    "worst event-loop lag seen.",
    "- Discord sends NUMBER options only between -2^53 and 2^53 and JSON has no NaN: larger "
    "values and NaN reach the bot only from a modified client; they are sent anyway.",
    "- The read-only image test runs only with GD_TUTOR_IMAGE set to a built image "
    "(`GD_TUTOR_IMAGE=localhost/gd-tutor:ci .venv/bin/python scripts/reliability_report.py`).",
    "- Tests borrowed from other suites are described here; the others by their docstrings.",
]


def run_tests(record: Path, extra: list[str]) -> int:
    """pytest on the reliability tests, writing their record to `record`; its exit status."""
    env = {
        **os.environ,
        "GD_TUTOR_RELIABILITY_JSON": str(record),
        "GD_TUTOR_TEST_LOG_LEVEL": "DEBUG",  # search the most verbose logs for the token
    }
    command = [sys.executable, "-m", "pytest", "-q", *OWN_FILES, *BORROWED, *extra]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def split(doc: str) -> tuple[str, str]:
    """A docstring's first paragraph (what was tried) and its `Holds:` paragraph."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", doc.strip()) if p.strip()]
    tried = paragraphs[0] if paragraphs else ""
    held = next(
        (p.removeprefix("Holds:").strip() for p in paragraphs if p.startswith("Holds:")), ""
    )
    return tried, held[:1].upper() + held[1:]


def cell(text: Any) -> str:
    """Text for a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def show(value: Any, unit: str) -> str:
    return f"{value} {unit}".strip()


def merge_figures(cases: list[dict[str, Any]]) -> list[str]:
    """One line per figure across the cases of a parametrized test."""
    values: dict[str, list[Any]] = defaultdict(list)
    units: dict[str, str] = {}
    for figures in cases:
        for name, figure in figures.items():
            values[name].append(figure["value"])
            units[name] = figure["unit"]
    lines = []
    for name, seen in values.items():
        unit = units[name]
        if len(set(map(str, seen))) == 1:
            lines.append(f"{name}: {show(seen[0], unit)}")
        elif all(isinstance(v, int | float) for v in seen) and len(seen) > 3:
            lines.append(f"{name}: {show(min(seen), '')}–{show(max(seen), unit)}")
        else:
            counts = Counter(map(str, seen))
            lines.append(f"{name}: " + ", ".join(f"{v} ×{n}" for v, n in counts.most_common()))
    return lines


def group(tests: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Tests by function (the cases of a parametrized test together), in run order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for test in tests:
        groups.setdefault(test["nodeid"].split("[")[0], []).append(test)
    return groups


def result_text(cases: list[dict[str, Any]]) -> str:
    outcomes = Counter(c["outcome"] for c in cases)
    if len(cases) == 1:
        return cases[0]["outcome"]
    return ", ".join(f"{n}/{len(cases)} {o}" for o, n in outcomes.items())


def figure(tests: list[dict[str, Any]], function: str, name: str) -> Any:
    """A figure of the first test whose id contains `function`, or None."""
    for test in tests:
        if function in test["nodeid"] and name in test["figures"]:
            return test["figures"][name]["value"]
    return None


def summary(tests: list[dict[str, Any]], secrets: dict[str, int]) -> list[tuple[str, str]]:
    """The headline figures."""
    corpus = figure(tests, "has_every_kind_of_attack", "inputs in the corpus")
    through_bot = figure(tests, "hostile_corpus_through_discord", "inputs sent through the bot")
    slowest = figure(tests, "has_every_kind_of_attack", "slowest parse and use")
    fuzz = sum(
        t["figures"].get("hypothesis examples", {}).get("value", 0)
        for t in tests
        if "test_equation.py" in t["nodeid"]
    )
    numbers = [t for t in tests if "test_hostile_numbers.py" in t["nodeid"]]
    sent = figure(tests, "every_hostile_number_through_discord", "values sent")
    faults = [
        t for t in tests if re.search(r"test_faults|drop_then_resume|429_and_500", t["nodeid"])
    ]
    survived = sum(t["outcome"] == "passed" for t in faults)
    lost = figure(tests, "sigkill", "answered runs missing from storage")
    counts = Counter(t["outcome"] for t in tests)
    uid = figure(tests, "read_only_root", "uid in the image")
    rows = [
        (
            "Hostile equations",
            f"{corpus} corpus inputs (slowest parse and use {slowest} ms, bound 50 ms), "
            f"{fuzz} hypothesis examples, {through_bot} sent through the bot",
        ),
        (
            "Hostile numbers",
            f"{len(numbers)} checks; {sent} values sent through the bot, every one answered",
        ),
        (
            "Burst",
            f"{figure(tests, 'burst_of_200', 'burst size')} /solve at once: ack p50 "
            f"{figure(tests, 'burst_of_200', 'ack p50')} s, p99 "
            f"{figure(tests, 'burst_of_200', 'ack p99')} s (Discord allows 3 s); run reply "
            f"p99 {figure(tests, 'burst_of_200', 'run reply p99')} s; "
            f"{figure(tests, 'burst_of_200', 'runs answered')} runs, "
            f"{figure(tests, 'burst_of_200', 'told busy')} told busy, "
            f"{figure(tests, 'burst_of_200', 'lost')} lost; peak admitted "
            f"{figure(tests, 'burst_of_200', 'peak admitted (sampled)')} of "
            f"{figure(tests, 'burst_of_200', 'workers + queue')}",
        ),
        ("Faults survived", f"{survived} of {len(faults)} fault tests"),
        (
            "SIGKILL while writing",
            f"{figure(tests, 'sigkill', 'SIGKILLs (each followed by a restart or the final check)')}"
            f" kills, {figure(tests, 'sigkill', 'runs answered before the kills')} answered runs; "
            f"data lost: {'none' if lost == 0 else lost}",
        ),
        (
            "Tokens in logs",
            f"{secrets.get('leaks', '?')} leaks ({secrets.get('tokens', '?')} tokens searched "
            f"for in {secrets.get('places_searched', '?')} logs and captured outputs)",
        ),
        (
            "Image: non-root, read-only root",
            f"uid {uid}, answered /solve with only /data and /tmp writable"
            if uid is not None
            else "not run here (set GD_TUTOR_IMAGE to a built image)",
        ),
        ("Tests", ", ".join(f"{n} {o}" for o, n in sorted(counts.items()))),
    ]
    return rows


def git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.decode().strip()


HAND_WRITTEN = "written by hand"


def hand_written(previous: str) -> list[str]:
    """The sections of an earlier record whose heading says they are written by hand: the
    regenerated record keeps them, at its end."""
    kept: list[str] = []
    keeping = False
    for line in previous.splitlines():
        if line.startswith("## "):
            keeping = HAND_WRITTEN in line
            if keeping:
                kept.append("")
        if keeping:
            kept.append(line)
    return kept


def render(record: dict[str, Any], kept: list[str] | None = None) -> str:
    """docs/reliability.md from the JSON record, with the hand-written sections `kept`."""
    tests = record["tests"]
    lines = [
        "# Reliability record",
        "",
        "What gd-tutor was put through, what held, and the figures measured. Generated by "
        "`scripts/reliability_report.py` from one run of the tests named below "
        f"({datetime.now(UTC):%Y-%m-%d}, commit {git_head()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}); rerun it to regenerate this file.",
        "",
        "The bot runs as in production (`run_discord`, or `python -m bot` as a subprocess) "
        "against the Discord stand-in in tests/discord_standin, which enforces Discord's rules "
        "(3 s to acknowledge, one callback, message limits) and injects the faults.",
        "",
        "## Summary",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {cell(k)} | {cell(v)} |" for k, v in summary(tests, record.get("secrets", {}))]
    lines += ["", "## How to read it", "", *NOTES]
    by_area: dict[str, list[tuple[str, list[dict[str, Any]]]]] = defaultdict(list)
    for function, cases in group(tests).items():
        file = function.split("::")[0].rsplit("/", 1)[-1]
        by_area[AREAS.get(file, file)].append((function, cases))
    order = list(dict.fromkeys(AREAS.values()))
    for area, functions in sorted(by_area.items(), key=lambda a: order.index(a[0])):
        lines += ["", f"## {area}", ""]
        lines += [
            "| Test | What it tried | What held | Figures | Result |",
            "|---|---|---|---|---|",
        ]
        for function, cases in functions:
            tried, held = BORROWED.get(function) or split(cases[0].get("doc", ""))
            figures = merge_figures([c["figures"] for c in cases])
            if len(cases) > 1:
                figures.insert(0, f"cases: {len(cases)}")
            name = function.split("::")[-1]
            lines.append(
                f"| `{cell(name)}` | {cell(tried)} | {cell(held)} | "
                f"{'<br>'.join(cell(f) for f in figures)} | {cell(result_text(cases))} |"
            )
    lines += kept or []
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-json", type=Path, help="render this record instead of running")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args, extra = parser.parse_known_args()
    status = 0
    if args.from_json is None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "reliability.json"
            status = run_tests(path, extra)
            if not path.exists():
                print("reliability_report: the tests wrote no record", file=sys.stderr)
                return status or 1
            record = json.loads(path.read_text())
    else:
        record = json.loads(args.from_json.read_text())
    previous = args.output.read_text() if args.output.exists() else ""
    args.output.write_text(render(record, hand_written(previous)))
    print(
        f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
