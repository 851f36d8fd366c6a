"""`python -m bot --console`: the tutor's handlers in a terminal, driven through stdin."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bot_harness import ROOT, png_size
from console_harness import config_file, console_process, replies

from bot.config import load_config
from bot.console import plain, run_console
from bot.console_input import OPTIONS, ConsoleInputError, parse_line
from bot.discord_app.errors import error_text
from bot.text import user_text
from bot.tutor.errors import UserError
from bot.tutor.options import checked_equation
from bot.tutor.tutor import Tutor
from solver import Settings, render_convergence, solve
from solver.plots.words import font_family
from solver.words import t

ARTICLE = (
    "0: x=1.0000000, y=-1.0000000, dL/dx=-4.0000000",
    "1: x=1.0400000, y=-0.9184000, dL/dx=-3.8205440",
    "2: x=1.0782053, y=-0.8374733, dL/dx=-3.6118727",
    "99: x=1.4142133, y=-0.0000007, dL/dx=-0.0000040",
    "x=1.4142133",
)
SESSION = [
    "/solve x0:1 lr:0.01",
    "/explain iteration:1",
    "/compare lrs:0.01 0.1",
    "/solve equation:y + 1",
    "/solve x0:2 equation:(x-1)(x+3) steps:3",
    "/help",
]


def test_a_piped_session_prints_each_reply_and_saves_its_pictures(tmp_path):
    process = console_process(tmp_path)
    out, err = process.communicate("\n".join(SESSION) + "\n", timeout=180)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    banner = out.splitlines()[0]
    assert banner.startswith(
        "gd-tutor console · commands: /solve, /explain, /compare, /race, /quiz, /help"
    )

    for line in ARTICLE:  # the article's numbers, byte for byte
        assert line + "\n" in out
    assert "run #1 · " in out and "converged" in out
    # /explain iteration:1 of that run: the chain rule's numbers and the x it leads to.
    assert "dL/dx = dL/dy · dy/dx = (-1.8368001) · 2.0799999 = -3.8205440" in out
    assert "x ← x − lr · dL/dx = 1.0400000 − 0.01 · (-3.8205440) = 1.0782053" in out
    assert "torch's optimizer.step() gave x_2 = 1.0782053" in out
    assert "lr = 0.01: converged, final x = 1.4142133" in out
    assert "lr = 0.1: converged, final x = 1.4142137" in out
    # The cooldown of the config does not apply: the refusal is the equation's, not a wait.
    assert "I can't read that equation: unknown name 'y' at column 1" in out
    assert "Slow down" not in out
    # Terminal text: no Discord markdown, no escapes in the user's equation.
    assert "Gradient descent on (x − 1)(x + 3)" in out and "x=1.1438028" in out
    assert "```" not in out and "**" not in out and "\\" not in out
    assert "/solve x0:1 lr:0.01: run it" in out

    saved = re.findall(r"^\[saved (.+)\]$", out, flags=re.MULTILINE)
    names = [Path(p).name for p in saved]
    assert names == ["run-1.png", "compare-2.png", "run-4.png"]
    for path in map(Path, saved):
        assert path.parent == tmp_path / "data" / "images"
        assert png_size(path.read_bytes()) == (1200, 500)
    pairs = replies(out)
    assert [command for command, _ in pairs] == SESSION
    assert all(reply.endswith("\n\n") and reply.strip() for _, reply in pairs)
    assert "x_2 = 1.0782053" in pairs[1][1] and "unknown name 'y'" in pairs[3][1]


def test_lang_ja_answers_as_a_japanese_client_sees_it_pictures_included(tmp_path):
    process = console_process(tmp_path, "--lang", "ja")
    session = ["/solve", "/solve equation:y", "/help"]
    out, err = process.communicate("\n".join(session) + "\n", timeout=180)
    assert process.returncode == 0, err
    solved, refused, helped = (reply for _, reply in replies(out))
    assert solved.startswith("x² − 2 に対する勾配降下法\n\n設定:\n")
    for line in ARTICLE:  # the same numbers, in Japanese words
        assert line + "\n" in solved
    assert "最も近い解: 1.414213562" in solved and "判定:\n収束" in solved
    assert refused.strip() == (
        "その式は読み取れません：1 文字目の「y」は使えない名前です。変数には x を使ってください"
    )
    assert helped.startswith("gd-tutor：勾配降下法を一歩ずつ")

    # The picture is the Japanese one: the very bytes render_convergence draws for "ja".
    picture = (tmp_path / "data" / "images" / "run-1.png").read_bytes()
    run = solve(Settings())
    assert picture == render_convergence(run, "ja")
    # Where a Japanese font is installed (CI installs fonts-ipafont-gothic), that differs
    # from the English picture; without one the words stay English and the console says so.
    if font_family("ja") is not None:
        assert picture != render_convergence(run, "en")
    else:
        assert "install fonts-ipafont-gothic" in err


def test_help_lists_the_console_commands_and_their_options():
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "--console", "--help"],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    ).stdout
    assert "--lang {en,ja}" in shown
    listed = [line.strip() for line in shown.splitlines() if line.startswith("  /")]
    assert listed[: len(OPTIONS)] == [
        "/solve [x0:number] [lr:number] [steps:integer] [equation:text] [optimizer:text]"
        " [precision:text]",
        "/explain iteration:integer [run:integer]",
        "/compare lrs:text [x0:number] [steps:integer] [equation:text]",
        "/race [x0:number] [lr:number] [steps:integer] [equation:text] [precision:text]",
        "/quiz [level:integer] [stats:true|false]",
        "/help",
        "/animate [run:integer]",
    ]
    assert listed[len(OPTIONS)].startswith("/quit")
    examples = listed[len(OPTIONS) + 1 :]
    assert len(examples) >= 3
    for example in examples:  # every example in the help is a line the console reads
        parse_line(example)


def test_lang_is_refused_without_the_console():
    refused = subprocess.run(
        [sys.executable, "-m", "bot", "--lang", "ja"],
        env=dict(os.environ, PYTHONPATH=str(ROOT), DISCORD_TOKEN="unused"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "--lang goes with --console" in refused.stderr


def test_ctrl_c_at_the_prompt_ends_the_console_at_once(tmp_path):
    process = console_process(tmp_path)
    try:
        assert process.stdin is not None and process.stdout is not None
        assert process.stdout.readline().startswith("gd-tutor console")
        process.stdin.write("/help\n")
        process.stdin.flush()
        while "/help: this message" not in process.stdout.readline():
            pass
        # The input stays open: the console is waiting for the next line when Ctrl-C comes.
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 130
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def run_in_process(tmp_path: Path, text: str) -> str:
    out = io.StringIO()
    assert run_console(load_config(config_file(tmp_path)), io.StringIO(text), out) == 0
    return out.getvalue()


def test_a_failing_command_is_answered_and_the_session_goes_on(tmp_path, monkeypatch):
    def broken(self: Tutor, lang: str) -> None:
        raise RuntimeError("a bug in /help")

    monkeypatch.setattr(Tutor, "help", broken)
    out = run_in_process(tmp_path, "/help\n/explain iteration:0\n/bogus\n/quit\n/help\n")
    assert [(c, r.strip()) for c, r in replies(out)] == [
        ("/help", t("en", "bot.internal_error")),  # a bug: trying again would not help
        ("/explain iteration:0", "You have no runs in this channel yet. Start one with /solve."),
        (
            "/bogus",
            "commands: /solve, /explain, /compare, /race, /quiz, /help, /animate"
            " (e.g. /solve x0:1 lr:0.01), /quit",
        ),
        ("/quit", ""),  # and nothing after it is read
    ]


def test_parse_line_reads_values_up_to_the_next_option():
    assert parse_line("/solve x0:1 equation:x^2 = 2 lr:0.5") == (
        "solve",
        {"x0": 1.0, "equation": "x^2 = 2", "lr": 0.5},
    )
    assert parse_line("/compare lrs:0.01 0.1") == ("compare", {"lrs": "0.01 0.1"})
    assert parse_line("  /help  ") == ("help", {})
    for bad, words in [
        ("solve x0:1", "commands:"),
        ("/solve 1", "name:value"),
        ("/solve x0:abc", "'abc' is not a number in decimal digits"),
        ("/help me", "takes none"),
        ("/explain run:2", "needs iteration: /explain iteration:integer"),
        ("/compare x0:1", "needs lrs"),
    ]:
        with pytest.raises(ConsoleInputError, match=words):
            parse_line(bad)


def test_plain_drops_the_tutors_formatting_and_shows_user_text_as_typed():
    text = "**converged**\n```\n0: x=1.0000000\n```\nfinal x: `x=1.4`\n" + user_text("a_b **c** \\")
    assert plain(text) == "converged\n0: x=1.0000000\nfinal x: x=1.4\na_b **c** \\"


def test_the_console_shows_user_text_unescaped_where_discord_escapes_it(tmp_path):
    out = run_in_process(tmp_path, "/solve equation:x_1\n/compare lrs:0.1 -0.5\n")
    assert [r.strip() for _, r in replies(out)] == [
        "I can't read that equation: unexpected character '_' (U+005F) at column 2",
        "'-0.5' is not a positive learning rate.",
    ]
    # The same refusal on its way to Discord: the user's text escaped, once.
    with pytest.raises(UserError) as info:
        checked_equation("x_1", "en")
    shown = error_text(info.value, "en-US")
    assert shown.endswith("unexpected character '\\_' (U+005F) at column 2"), shown


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/solve x0:1 foo:2", "unknown option 'foo': /solve takes x0, lr, steps, equation"),
        ("/solve equation:x^2 = 2 foo:2", "unknown option 'foo'"),
        ("/solve x0:1 x0:2", "x0 is given twice"),
        ("/explain iteration:1 iteration:2", "iteration is given twice"),
        ("/solve x0:1_000", "'1_000' is not a number in decimal digits"),
        ("/solve x0:\u0661", "'\u0661' is not a number in decimal digits"),  # Arabic-Indic 1
        ("/solve steps:\u0661\u0660", "is not an integer in decimal digits"),
        ("/solve steps:1_0", "'1_0' is not an integer"),
        ("/solve steps:2.5", "'2.5' is not an integer"),
        ("/solve x0:inf", "'inf' is not a number"),
        ("/solve lr:nan", "'nan' is not a number"),
        ("/solve x0:0x10", "'0x10' is not a number"),
        ("/explain iteration:\uff11", "is not an integer"),  # a full-width 1
    ],
)
def test_the_console_refuses_options_discords_client_would_not_send(line, says):
    with pytest.raises(ConsoleInputError, match=re.escape(says)):
        parse_line(line)


def test_the_console_accepts_the_numbers_discords_client_sends():
    assert parse_line("/solve x0:-1.5e3 lr:.5 steps:+3 equation:x^2 = 2")[1] == {
        "x0": -1500.0,
        "lr": 0.5,
        "steps": 3,
        "equation": "x^2 = 2",
    }
    assert parse_line("/solve x0:1E+2 lr:2.")[1] == {"x0": 100.0, "lr": 2.0}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_run_id_past_sqlites_int64_in_the_console_is_no_such_run(tmp_path, lang):
    out = io.StringIO()
    config = load_config(config_file(tmp_path))
    text = "/explain iteration:1 run:99999999999999999999999\n/help\n"
    assert run_console(config, io.StringIO(text), out, lang) == 0
    (_, unknown), (_, helped) = replies(out.getvalue())
    assert unknown.strip() == t(lang, "bot.unknown_run", run_id=99999999999999999999999)
    assert helped.strip().startswith(t(lang, "help.title"))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_file_where_the_images_folder_goes_is_answered_and_the_session_goes_on(tmp_path, lang):
    images = tmp_path / "data" / "images"
    images.parent.mkdir()
    images.write_text("not a folder")
    out = io.StringIO()
    config = load_config(config_file(tmp_path))
    assert run_console(config, io.StringIO("/solve steps:3\n/help\n"), out, lang) == 0
    (_, solved), (_, helped) = replies(out.getvalue())
    assert "x=1.0782053" in solved  # the run itself is answered
    not_saved = t(lang, "console.image_not_saved", path=images / "run-1.png", reason="")
    assert not_saved.split("run-1.png")[0] in solved and "[saved" not in solved
    assert helped.strip().startswith(t(lang, "help.title"))
    assert images.read_text() == "not a folder"
