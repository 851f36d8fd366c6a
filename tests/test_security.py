"""Security: hostile equations through the bot, mentions and markdown never rendered from user
text, no token in any log, and (opt-in) the image on a read-only root as a non-root user.

The equation corpus (tests/hostile_equations.py) and its parser-level checks live in
test_equation.py; here the same inputs go through Discord to the production bot.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from bot_fixtures import LiveBot
from bot_harness import (
    ROOT,
    bot_in_process,
    embed_text,
    launcher_command,
    mentions_disabled_everywhere,
    png_size,
    wait_answer,
    write_config,
)
from discord_standin import InteractionHandle, Message, StandIn
from equation_checks import parse_and_use
from hostile_equations import HOSTILE
from reliability_record import SecretWatch, find_secrets

import bot.tutor.solve as solve_feature
from solver import EquationError, check_equation, parse_equation

# --- hostile equations through the bot --------------------------------------------------------

REFUSAL = "I can't read that equation"

# What the corpus must hold, by kind: each kind names a check on the raw text.
KINDS: dict[str, Callable[[str], bool]] = {
    "attribute access": lambda s: re.search(r"[\w)]\.[a-z_]", s) is not None,
    "dunders": lambda s: "__" in s,
    "imports": lambda s: "import" in s,
    "lambdas": lambda s: "lambda" in s,
    "comprehensions": lambda s: " for " in s and "[" in s,
    "f-strings": lambda s: s.startswith(("f'", 'f"')),
    "walrus": lambda s: ":=" in s,
    "power towers": lambda s: s.replace(" ", "") in ("9**9**9", "((9**9)**9999)**9999"),
    "huge literals": lambda s: re.search(r"\d{30,}", s) is not None,
    "1e309": lambda s: "1e309" in s,
    "deep nesting": lambda s: s.count("(") >= 99,
    "10,000 characters": lambda s: len(s) >= 10_000,
    "NUL and control characters": lambda s: any(ord(c) < 32 and c not in "\t\n\r" for c in s),
    "right-to-left marks": lambda s: any(c in s for c in "\u202e\u202b\u200f\u061c"),
    "Cyrillic х": lambda s: "\u0445" in s or "\u0425" in s,
    "zero-width characters": lambda s: any(c in s for c in "\u200b\u200d\ufeff"),
}


def test_the_hostile_corpus_has_every_kind_of_attack(record_figure: Callable[..., None]) -> None:
    """The corpus of tests/hostile_equations.py, sorted by kind of attack.

    Holds: at least 100 inputs, and every kind the issue names is there (code injection by
    attributes, dunders, imports, lambdas, comprehensions, f-strings and walrus; towers, huge
    literals, 1e309; deep nesting; 10,000 characters; NUL, RTL marks, Cyrillic х).
    """
    assert len(HOSTILE) >= 100
    counts = {kind: sum(map(check, HOSTILE)) for kind, check in KINDS.items()}
    assert all(counts.values()), [kind for kind, n in counts.items() if not n]
    slowest = max(parse_and_use(text)[1] for text in HOSTILE)  # test_equation bounds it
    record_figure("inputs in the corpus", len(HOSTILE))
    record_figure("slowest parse and use", round(slowest * 1000, 1), "ms (bound 50 ms)")
    record_figure("kinds covered", ", ".join(f"{k} {n}" for k, n in counts.items()))


async def answer_of(handle: InteractionHandle) -> Message:
    """The final message: the refusal (answered at once) or the run."""
    callback = await handle.wait_callback(10)
    if callback.type == 4:
        return await handle.wait_final(timeout=10)
    return await wait_answer(handle, timeout=120)


def symbolic_refusal(text: str) -> bool:
    """The event loop's cheap check passes `text`, the worker's symbolic form refuses it."""
    try:
        check_equation(text)
    except EquationError:
        return False
    try:
        parse_equation(text)
    except EquationError as error:
        return error.code in ("no_value", "result_too_large")
    return False


@pytest.mark.bot_config(limits={"workers": 2, "queue": len(HOSTILE)})
async def test_the_hostile_corpus_through_discord_is_answered_and_runs_no_code(
    standin: StandIn, own_bot: LiveBot, tmp_path: Path, record_figure: Callable[..., None]
) -> None:
    """Every equation of the hostile corpus (injection, towers, nesting, control characters,
    look-alikes, 10,000 characters) sent as the /solve equation option, all at once.

    Holds: each is answered in time, a refusal ephemerally and with a reason, an accepted one
    with a run and its picture; no code ran (the canary file is never created), no internal
    error, no Discord rule broken, and the bot serves afterwards.
    """
    canary = tmp_path / "CANARY"
    texts = [text.replace("{canary}", str(canary)) for text in HOSTILE]
    handles = [
        await standin.invoke_command(
            # Over 200 characters Discord's client refuses; sent anyway, as a raw client could.
            "solve",
            {"equation": text},
            user=standin.make_user(f"h{i}"),
            validate=len(text) <= 200 and text != "",
        )
        for i, text in enumerate(texts)
    ]
    answers = await asyncio.gather(*(answer_of(h) for h in handles))
    after = await (await standin.invoke_command("help", {})).wait_final()
    assert "/solve" in embed_text(after)
    kinds: Counter[str] = Counter()
    for text, handle, message in zip(texts, handles, answers, strict=True):
        shown = embed_text(message)
        assert handle.callback is not None and handle.callback.elapsed < 3.0
        assert "went wrong" not in shown and "on my side" not in shown, (text[:60], shown)
        if handle.callback.type == 4:
            assert message.ephemeral and (REFUSAL in shown or "doesn't work" in shown), shown
            kinds["refused"] += 1
        elif REFUSAL in shown:
            # Only the symbolic form, built in the worker after the defer, can refuse these
            # (x/sin(π) has no value): the refusal replaces the public "thinking" message.
            assert symbolic_refusal(text), (text[:60], shown)
            kinds["refused"] += 1
        else:
            assert not message.ephemeral and "Gradient descent on" in shown, (text[:60], shown)
            attachment = message.embed_attachment()
            assert attachment is not None and png_size(attachment.data) == (1200, 500)
            kinds["ran"] += 1
    assert not canary.exists()
    mentions_disabled_everywhere(standin)
    standin.assert_no_violations()
    record_figure("inputs sent through the bot", len(texts))
    record_figure("refused with a reason", kinds["refused"])
    record_figure("accepted and run", kinds["ran"])
    record_figure("canary created", "no")


# --- mentions and markdown ------------------------------------------------------------------

MENTIONS = ["@everyone", "@here", "<@123456789012345678>", "<@!123456789012345678>"]
MENTIONS += ["<@&123456789012345678>", "<#123456789012345678>"]
MARKDOWN = ["**bold**", "__under__", "||spoiler||", "`code`", "[link](http://x.invalid)"]
MARKDOWN += ["~~strike~~", "*it*", "> quote", "# heading", "-# small"]
INJECTED = MENTIONS + MARKDOWN


def rendered(text: str, fragment: str) -> bool:
    """Whether `fragment` appears with its first character unescaped (Discord would render it)."""
    return re.search(r"(?<!\\)" + re.escape(fragment), text) is not None


def what_users_read(standin: StandIn) -> str:
    """Everything every message shows: content, embeds, and the progress lines in between."""
    parts = [embed_text(m) for m in standin.messages]
    for record in standin.message_requests():
        payload = record.message_payload or {}
        parts.append(str(payload.get("content") or ""))
    return "\n".join(parts)


def no_mention_can_ping(standin: StandIn) -> None:
    """allowed_mentions parse [] on every message, with no user or role allowed by id."""
    mentions_disabled_everywhere(standin)
    for record in standin.message_requests():
        allowed = (record.message_payload or {})["allowed_mentions"]
        assert not allowed.get("users") and not allowed.get("roles"), allowed
        assert not allowed.get("replied_user"), allowed


@pytest.mark.parametrize("where", ["equation", "equation with x", "lrs"])
async def test_mentions_and_markdown_from_users_are_never_rendered(
    shared_bot: LiveBot, where: str, record_figure: Callable[..., None]
) -> None:
    """@everyone, @here, user, role and channel mentions and markdown (bold, underline, spoiler,
    code, links, strike, quote, headings) typed into /solve's equation or /compare's lrs.

    Holds: every message goes out with allowed_mentions parse [] and no ids; none of the
    injected text appears unescaped in anything a user reads.
    """
    standin = shared_bot.standin
    handles = []
    for i, fragment in enumerate(INJECTED):
        user = standin.make_user(f"m{i}")
        if where == "lrs":
            handle = await standin.invoke_command(
                "compare", {"lrs": f"0.1 {fragment} 0.2"}, user=user
            )
        else:
            equation = fragment if where == "equation" else f"x^2 - 2 {fragment}"
            handle = await standin.invoke_command("solve", {"equation": equation}, user=user)
        handles.append(handle)
    answers = await asyncio.gather(*(answer_of(h) for h in handles))
    for fragment, message in zip(INJECTED, answers, strict=True):
        assert message.ephemeral and embed_text(message).strip(), fragment
    text = what_users_read(standin)
    shown = [f for f in INJECTED if rendered(text, f)]
    assert shown == [], f"rendered from user text: {shown}\n{text[:3000]}"
    no_mention_can_ping(standin)
    standin.assert_no_violations()
    record_figure("injections", len(INJECTED))
    record_figure("rendered or pinging", 0)


def test_the_rendering_check_sees_unescaped_text() -> None:
    """The check above against plain and escaped text.

    Holds: raw markdown and mentions count as rendered, backslash-escaped ones do not.
    """
    from bot.text import escape_markdown

    for fragment in INJECTED:
        assert rendered(f"bad: {fragment}!", fragment)
        assert not rendered(f"ok: {escape_markdown(fragment)}!", fragment), fragment


# --- the token never reaches a log ----------------------------------------------------------


def test_the_secret_search_finds_a_token_and_nothing_else() -> None:
    """find_secrets and SecretWatch on text with and without a token.

    Holds: the token is found wherever it sits in the text, other text is not, and a report
    names the leak by the token's first characters only.
    """
    token = "MTIzNDU2Nzg5.secret-token-for-the-test"
    assert find_secrets(f"Authorization: Bot {token}\n", [token]) == [token]
    assert find_secrets("Authorization: Bot MTIzNDU2Nzg5.secret", [token]) == []
    watch = SecretWatch(secrets={token})
    watch.search("a log", f"line\n{token}\n")
    watch.search("another log", "nothing here")
    assert [(leak.where, leak.secret_hint) for leak in watch.leaks] == [("a log", "MTIz…")]


async def test_the_whole_session_is_searched_for_this_token(
    standin: StandIn, tmp_path: Path, no_token_in_any_log: SecretWatch
) -> None:
    """A bot session at DEBUG with a failing worker (a logged traceback).

    Holds: this stand-in's token is registered for the end-of-session search, records of the
    `bot` and `discord` loggers reach the session log file, and none of them has the token.
    """
    watch = no_token_in_any_log
    assert standin.token in watch.secrets
    assert watch.log_path is not None and watch.log_path.exists()
    discord_logger = logging.getLogger("discord")
    saved = discord_logger.level
    discord_logger.setLevel(logging.DEBUG)
    try:
        real = solve_feature.solve
        solve_feature.solve = lambda *args, **kwargs: 1 / 0  # type: ignore[assignment]
        try:
            async with bot_in_process(standin, write_config(tmp_path, standin)):
                await wait_answer(await standin.invoke_command("solve", {}))
        finally:
            solve_feature.solve = real
    finally:
        discord_logger.setLevel(saved)
    for handler in logging.getLogger().handlers:
        handler.flush()
    session_log = watch.log_path.read_text(errors="replace")
    assert "bot.tutor.context" in session_log and "ZeroDivisionError" in session_log
    assert "discord.gateway" in session_log
    assert find_secrets(session_log, [standin.token]) == []


async def test_python_m_bot_never_logs_its_token_even_when_discord_rejects_it(
    standin: StandIn, tmp_path: Path, no_token_in_any_log: SecretWatch
) -> None:
    """`python -m bot` started with a token Discord rejects.

    Holds: it exits 2 with a sentence saying so, and its output has no token; the log file
    stays under the session's temp dir, where the end-of-session search reads it again.
    """
    wrong = standin.token[::-1]
    no_token_in_any_log.secrets.add(wrong)
    log = tmp_path / "rejected-bot.log"
    command = launcher_command(standin, write_config(tmp_path, standin))
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            *command,
            env={**os.environ, "DISCORD_TOKEN": wrong},
            stdout=sink,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,
        )
        assert await asyncio.wait_for(process.wait(), 60) == 2
    output = log.read_text()
    assert "Discord rejected DISCORD_TOKEN" in output
    assert find_secrets(output, [wrong, standin.token]) == []


# --- the image: non-root, read-only root filesystem apart from /data --------------------------

IMAGE = os.environ.get("GD_TUTOR_IMAGE", "")


def _podman(*args: str) -> list[str]:
    return ["podman", *args]


async def _stdout(*args: str, timeout: float = 120) -> str:
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode(errors="replace")


@pytest.mark.skipif(
    not IMAGE or shutil.which("podman") is None,
    reason="set GD_TUTOR_IMAGE to a built image (e.g. localhost/gd-tutor:ci) and have podman",
)
async def test_the_image_serves_discord_as_non_root_on_a_read_only_root(
    standin: StandIn, tmp_path: Path, record_figure: Callable[..., None]
) -> None:
    """The built image, run as docker-compose.yml runs it (--read-only, /tmp a tmpfs, /data a
    volume) in Discord mode against the stand-in.

    Holds: it runs as a non-root user, answers /solve with the article's result, and writes
    its run and heartbeat to /data (the only writable place).
    """
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o777)
    config = write_config(data, standin).read_text().replace(str(data), "/data")
    (data / "config.toml").write_text(config)
    run = ("run", "--rm", "--read-only", "--tmpfs", "/tmp", "--no-healthcheck")
    uid = (await _stdout(*_podman(*run, IMAGE, "id", "-u"))).strip()
    assert uid.isdigit() and uid != "0"
    name = f"gd-tutor-test-{os.getpid()}"
    env = {**os.environ, "DISCORD_TOKEN": standin.token}
    # The launcher and the stand-in package are mounted read-only; the bot is the image's.
    command = _podman(
        *run, "--name", name, "--network", "host", "-e", "DISCORD_TOKEN", "-v", f"{data}:/data",
        "-v", f"{ROOT / 'tests'}:/standin:ro", IMAGE, "python", "/standin/run_bot_against_standin.py",
        "--rest", standin.rest_base, "--gateway", standin.gateway_url, "--config", "/data/config.toml",
    )  # fmt: skip
    log = tmp_path / "container.log"
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=sink, stderr=asyncio.subprocess.STDOUT
        )
    try:
        await standin.wait_ready(120)
        await standin.wait_commands("solve", timeout=60)
        message = await wait_answer(await standin.invoke_command("solve", {}), timeout=120)
        assert "x=1.4142133" in embed_text(message)
        async with asyncio.timeout(60):  # on_ready, hence the first beat, waits for the guilds
            while not (data / "heartbeat").exists():
                await asyncio.sleep(0.2)
    finally:
        stop = await asyncio.create_subprocess_exec(
            *_podman("stop", "-t", "10", name), stdout=asyncio.subprocess.DEVNULL
        )
        await stop.wait()
        await asyncio.wait_for(process.wait(), 60)
    connection = sqlite3.connect(data / "runs.sqlite3")
    try:
        assert connection.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    finally:
        connection.close()
    assert find_secrets(log.read_text(errors="replace"), [standin.token]) == []
    created = await _stdout(*_podman("image", "inspect", IMAGE, "--format", "{{.Created}}"))
    record_figure("image", f"{IMAGE}, built {created.strip()[:16]}")
    record_figure("uid in the image", int(uid))
    record_figure("root filesystem", "read-only (/data and /tmp writable)")
