"""The bot end to end: the real discord.py client, started as in production, against the stand-in."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from bot_fixtures import LiveBot
from bot_harness import (
    bot_in_process,
    embed_text,
    mentions_disabled_everywhere,
    png_size,
    run_id_of,
    wait_answer,
    write_config,
)
from discord_standin import StandIn

import bot.tutor.solve as solve_feature
from bot import render_pool
from bot.render_pool import Renderer
from solver.words import language_of, t

FIRST_LINES = (
    "0: x=1.0000000, y=-1.0000000, dL/dx=-4.0000000",
    "1: x=1.0400000, y=-0.9184000, dL/dx=-3.8205440",
    "2: x=1.0782053, y=-0.8374733, dL/dx=-3.6118727",
    "99: x=1.4142133, y=-0.0000007, dL/dx=-0.0000040",
    "x=1.4142133",
)


async def test_solve_answers_with_the_articles_numbers_and_a_png(shared_bot: LiveBot):
    standin = shared_bot.standin
    handle = await standin.invoke_command("solve", {"x0": 1, "lr": 0.01})
    callback = await handle.wait_callback()
    assert callback.type == 5 and callback.elapsed < 3.0
    message = await wait_answer(handle)
    text = embed_text(message)
    for line in FIRST_LINES:
        assert line in text
    assert "converged" in text and "1.414213562" in text
    image_url = message.embeds[0]["image"]["url"]
    attachment = message.embed_attachment()
    assert attachment is not None and image_url.endswith(attachment.filename)
    width, height = png_size(attachment.data)
    assert width >= 1200 and height >= 400
    assert not message.ephemeral
    mentions_disabled_everywhere(standin)
    standin.assert_no_violations()


async def test_explain_iteration_1_shows_the_gradient_and_the_next_x(shared_bot: LiveBot):
    standin = shared_bot.standin
    await wait_answer(await standin.invoke_command("solve", {}))
    message = await (await standin.invoke_command("explain", {"iteration": 1})).wait_final()
    text = embed_text(message)
    assert "-3.8205440" in text and "1.0782053" in text
    assert "dL/dx = dL/dy · dy/dx" in text
    mentions_disabled_everywhere(standin)


async def test_explain_errors_are_ephemeral_and_clear(shared_bot: LiveBot):
    standin = shared_bot.standin
    none_yet = await (await standin.invoke_command("explain", {"iteration": 1})).wait_final()
    assert none_yet.ephemeral and "no runs in this channel" in embed_text(none_yet)
    await wait_answer(await standin.invoke_command("solve", {"steps": 5}))
    out_of_range = await (await standin.invoke_command("explain", {"iteration": 7})).wait_final()
    assert out_of_range.ephemeral and "0 to 4" in embed_text(out_of_range)
    unknown = await (
        await standin.invoke_command("explain", {"iteration": 0, "run": 999})
    ).wait_final()
    assert unknown.ephemeral and "#999" in embed_text(unknown)


async def test_a_bad_equation_is_refused_at_once_and_the_bot_keeps_serving(shared_bot: LiveBot):
    standin = shared_bot.standin
    handle = await standin.invoke_command("solve", {"equation": "y + 1"})
    callback = await handle.wait_callback()
    assert callback.type == 4 and callback.ephemeral
    assert "unknown name 'y' at column 1" in embed_text(await handle.wait_final())
    help_message = await (await standin.invoke_command("help", {})).wait_final()
    assert "/solve" in embed_text(help_message)


async def test_compare_shows_a_line_per_learning_rate_and_a_figure(shared_bot: LiveBot):
    standin = shared_bot.standin
    handle = await standin.invoke_command("compare", {"lrs": "0.001 0.01 0.05 0.2"})
    message = await wait_answer(handle)
    text = embed_text(message)
    for lr in ("lr = 0.001", "lr = 0.01", "lr = 0.05", "lr = 0.2"):
        assert lr in text
    assert "final x = 1.4142133" in text
    png_size(message.embed_attachment().data)
    bad = await (await standin.invoke_command("compare", {"lrs": "0.1"})).wait_final()
    assert bad.ephemeral and "2 to 8" in embed_text(bad)


async def test_the_numbers_come_first_and_the_picture_by_a_later_edit(
    standin: StandIn, own_bot: LiveBot
):
    for command, options in (("solve", {}), ("compare", {"lrs": "0.01 0.1"})):
        handle = await standin.invoke_command(command, options)
        final = await wait_answer(handle)
        shown = [e.snapshot for e in handle.edits if e.snapshot.get("embeds")]
        numbers, pictured = shown[0], shown[-1]
        assert numbers["content"] == "Drawing the picture…"
        assert not numbers["attachments"] and "image" not in numbers["embeds"][0]
        assert pictured["attachments"] and pictured["embeds"][0]["image"]["url"]
        assert not pictured["content"]
        # The same numbers before and after: only the picture was added.
        before = {k: v for k, v in numbers["embeds"][0].items() if k != "image"}
        after = {k: v for k, v in pictured["embeds"][0].items() if k != "image"}
        assert before == after and before.get("fields" if command == "solve" else "title")
        assert final.embed_attachment() is not None
    mentions_disabled_everywhere(standin)
    standin.assert_no_violations()


@pytest.mark.bot_config(limits={"render_processes": 0, "cooldown_seconds": 0})
async def test_a_picture_that_cannot_be_drawn_leaves_the_numbers_and_says_so(
    standin: StandIn, own_bot: LiveBot, monkeypatch
):
    def broken(picture):
        raise RuntimeError("matplotlib exploded")

    monkeypatch.setattr(render_pool, "draw_png", broken)
    handle = await standin.invoke_command("solve", {"x0": 1, "lr": 0.01})
    message = await wait_answer(handle)
    text = embed_text(message)
    for line in FIRST_LINES:
        assert line in text
    assert message.content.startswith("The picture could not be drawn")
    assert not message.attachments and "image" not in message.embeds[0]
    assert [b.get("label") for b in message.buttons()][:2] == ["Explain step", "All iterations"]
    standin.assert_no_violations()


async def test_japanese_locale_gets_japanese_replies(shared_bot: LiveBot, monkeypatch):
    drawn_in: list[str] = []
    real_submit = Renderer.submit

    def recording(self, picture):
        if getattr(picture, "steps", 0) == 100:  # not the start-up warm-up
            drawn_in.append(picture.lang)
        return real_submit(self, picture)

    monkeypatch.setattr(Renderer, "submit", recording)
    standin = shared_bot.standin
    message = await wait_answer(await standin.invoke_command("solve", {}, locale="ja"))
    text = embed_text(message)
    assert "勾配降下法" in text and "収束" in text and "1: x=1.0400000" in text
    # The settings name each option as the Japanese client shows it.
    assert "初期値 = 1 · 学習率 = 0.01 · ステップ数 = 100" in text
    assert drawn_in == ["ja"]  # the picture's words too (tests/test_plots.py reads them)
    refused = await (
        await standin.invoke_command("solve", {"equation": "y"}, locale="ja")
    ).wait_final()
    assert "読み取れません" in embed_text(refused)
    explained = await (
        await standin.invoke_command("explain", {"iteration": 1}, locale="ja")
    ).wait_final()
    assert "連鎖律" in embed_text(explained)
    command = standin.command("solve")
    assert command["name_localizations"]["ja"] == "解く"
    assert command["description_localizations"]["ja"]
    options = {option["name"]: option for option in command["options"]}
    assert options["steps"]["name_localizations"]["ja"] == "ステップ数"
    assert options["steps"]["description_localizations"]["ja"] == "反復回数（既定値 100）"
    momentum = options["optimizer"]["choices"][1]
    assert momentum["name_localizations"]["ja"] == "モーメンタム 0.9 の SGD"
    assert "en-US" not in command["name_localizations"]


@pytest.mark.bot_config(limits={"workers": 1, "queue": 1})
async def test_full_queue_answers_busy_at_once(standin: StandIn, own_bot: LiveBot, monkeypatch):
    gate = threading.Event()
    real_solve = solve_feature.solve

    def held_solve(*args, **kwargs):
        gate.wait(30)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(solve_feature, "solve", held_solve)
    # Different rates: identical requests would join the first one's computation.
    first = await standin.invoke_command("solve", {})
    await first.wait_callback()
    second = await standin.invoke_command("solve", {"lr": 0.02}, user=standin.make_user("b"))
    await second.wait_callback()
    third = await standin.invoke_command("solve", {"lr": 0.03}, user=standin.make_user("c"))
    busy = await third.wait_callback()
    assert busy.type == 4 and busy.ephemeral and busy.elapsed < 3.0
    assert "busy" in embed_text(await third.wait_final())
    fourth = await standin.invoke_command("solve", {}, user=standin.make_user("d"))
    joined = await fourth.wait_callback()  # the same as the first: it joins, not busy
    assert joined.type == 5
    gate.set()
    for handle in (first, second, fourth):
        assert "x=1.41421" in embed_text(await wait_answer(handle))


@pytest.mark.bot_config(limits={"cooldown_seconds": 60})
async def test_cooldown_tells_the_seconds_left_and_spares_other_users(
    standin: StandIn, own_bot: LiveBot
):
    await wait_answer(await standin.invoke_command("solve", {"steps": 3}))
    again = await (await standin.invoke_command("solve", {"steps": 3})).wait_final()
    assert again.ephemeral and "you can start another run in" in embed_text(again)
    other = await standin.invoke_command("solve", {"steps": 3}, user=standin.make_user("other"))
    assert "x=" in embed_text(await wait_answer(other))


async def test_a_failed_worker_answers_with_an_error_and_the_bot_keeps_serving(
    standin: StandIn, own_bot: LiveBot, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("torch exploded")

    with monkeypatch.context() as patch:
        patch.setattr(solve_feature, "solve", broken)
        failed = await wait_answer(await standin.invoke_command("solve", {}))
        assert "went wrong while computing" in embed_text(failed)
    ok = await wait_answer(await standin.invoke_command("solve", {}))
    assert "x=1.4142133" in embed_text(ok)


@pytest.mark.bot_config(solver={"max_seconds": 0.1})
async def test_a_run_past_max_seconds_is_reported_as_timed_out(standin: StandIn, own_bot: LiveBot):
    message = await wait_answer(await standin.invoke_command("solve", {"steps": 10000}))
    assert "timed out" in embed_text(message)


async def test_runs_survive_a_restart(standin: StandIn, own_bot: LiveBot):
    await wait_answer(await standin.invoke_command("solve", {"lr": 0.02}))
    await own_bot.restart()
    message = await (
        await standin.invoke_command("explain", {"iteration": 0, "run": 1})
    ).wait_final()
    text = embed_text(message)
    assert "run #1" in text and "1.0000000 − 0.02 · (-4.0000000) = 1.0800000" in text


async def test_autocomplete_offers_the_users_recent_runs(shared_bot: LiveBot):
    standin = shared_bot.standin
    answer = await wait_answer(
        await standin.invoke_command("solve", {"equation": "x^2 = 3", "steps": 5})
    )
    choices = await standin.autocomplete("explain", {"iteration": 0, "run": ""}, focused="run")
    assert choices and choices[0]["value"] == run_id_of(answer)
    assert "x^2 = 3" in choices[0]["name"]


async def test_gateway_drop_then_resume_and_the_reply_still_arrives(
    standin: StandIn, own_bot: LiveBot, monkeypatch
):
    gate = threading.Event()
    real_solve = solve_feature.solve
    monkeypatch.setattr(
        solve_feature, "solve", lambda *a, **k: (gate.wait(30), real_solve(*a, **k))[1]
    )
    handle = await standin.invoke_command("solve", {})
    await handle.wait_callback()
    await standin.drop_gateway(4000)
    gate.set()
    await standin.wait_resumed(1, timeout=30)
    assert "x=1.4142133" in embed_text(await wait_answer(handle))
    after = await (await standin.invoke_command("help", {})).wait_final()
    assert "/solve" in embed_text(after)


@pytest.mark.parametrize("status", [429, 500])
async def test_api_429_and_500_are_retried(shared_bot: LiveBot, status):
    standin = shared_bot.standin
    fault = standin.fail_next("PATCH", r"/webhooks/.*/messages/@original", status=status)
    handle = await standin.invoke_command("solve", {})
    assert "x=1.4142133" in embed_text(await wait_answer(handle))
    await fault.wait_recovered()


async def test_the_token_never_reaches_the_logs(standin: StandIn, tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    # A failing worker logs its traceback: the token must not be in it either.
    monkeypatch.setattr(solve_feature, "solve", lambda *args, **kwargs: 1 / 0)
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        await wait_answer(await standin.invoke_command("solve", {}))
        await asyncio.sleep(0.1)
    assert caplog.records
    assert standin.token not in caplog.text


async def test_the_largest_run_id_discord_sends_is_an_unknown_run(standin: StandIn, tmp_path):
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        handle = await standin.invoke_command("explain", {"iteration": 1, "run": 2**53})
        message = await handle.wait_final()
    assert message.ephemeral
    assert embed_text(message).strip() == t("en", "bot.unknown_run", run_id=2**53)
    standin.assert_no_violations()


# A buggy or hostile client's option values: each of the wrong JSON type for its option.
MISTYPED = [
    ("solve", {"x0": "abc"}, "bot.option_not_number", "x0"),
    ("solve", {"x0": "1.5"}, "bot.option_not_number", "x0"),
    ("solve", {"lr": [0.1]}, "bot.option_not_number", "lr"),
    ("solve", {"lr": True}, "bot.option_not_number", "lr"),
    ("solve", {"steps": 2.5}, "bot.option_not_integer", "steps"),
    ("solve", {"steps": False}, "bot.option_not_integer", "steps"),
    ("solve", {"steps": "100"}, "bot.option_not_integer", "steps"),
    ("solve", {"equation": 5}, "bot.option_not_text", "equation"),
    ("solve", {"optimizer": None}, "bot.option_not_text", "optimizer"),
    ("explain", {"iteration": "1"}, "bot.option_not_integer", "iteration"),
    ("explain", {"iteration": 1, "run": 1.5}, "bot.option_not_integer", "run"),
    ("compare", {"lrs": 0.1}, "bot.option_not_text", "lrs"),
]


@pytest.mark.parametrize("locale", ["en-US", "ja"])
async def test_option_values_of_the_wrong_type_get_the_usual_refusal(
    standin: StandIn, tmp_path, locale
):
    lang = language_of(locale)
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        for i, (command, options, key, option) in enumerate(MISTYPED):
            user = standin.make_user(f"t{i}")
            handle = await standin.invoke_command(
                command, options, user=user, locale=locale, validate=False
            )
            callback = await handle.wait_callback()
            message = await handle.wait_final()
            assert callback.type == 4 and message.ephemeral, (command, options)
            named = t(lang, f"option.{option}.name")  # as the reader's client shows the option
            assert embed_text(message).strip() == t(lang, key, option=named), (command, options)
        # And the bot goes on serving.
        ok = await wait_answer(await standin.invoke_command("solve", {"steps": 3}))
        assert "x=1.0782053" in embed_text(ok)
    standin.assert_no_violations()
