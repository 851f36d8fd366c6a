"""The bot end to end: the real discord.py client, started as in production, against the stand-in."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from bot_harness import (
    bot_in_process,
    embed_text,
    mentions_disabled_everywhere,
    png_size,
    wait_answer,
    write_config,
)
from discord_standin import StandIn

import bot.tutor.solve as solve_feature
from bot.render_pool import Renderer

FIRST_LINES = (
    "0: x=1.0000000, y=-1.0000000, dL/dx=-4.0000000",
    "1: x=1.0400000, y=-0.9184000, dL/dx=-3.8205440",
    "2: x=1.0782053, y=-0.8374733, dL/dx=-3.6118727",
    "99: x=1.4142133, y=-0.0000007, dL/dx=-0.0000040",
    "x=1.4142133",
)


async def test_solve_answers_with_the_articles_numbers_and_a_png(standin: StandIn, tmp_path):
    async with bot_in_process(standin, write_config(tmp_path, standin)):
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


async def test_explain_iteration_1_shows_the_gradient_and_the_next_x(standin: StandIn, tmp_path):
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        await wait_answer(await standin.invoke_command("solve", {}))
        message = await (await standin.invoke_command("explain", {"iteration": 1})).wait_final()
        text = embed_text(message)
        assert "-3.8205440" in text and "1.0782053" in text
        assert "dL/dx = dL/dy · dy/dx" in text
        mentions_disabled_everywhere(standin)


async def test_explain_errors_are_ephemeral_and_clear(standin: StandIn, tmp_path):
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        none_yet = await (await standin.invoke_command("explain", {"iteration": 1})).wait_final()
        assert none_yet.ephemeral and "no runs in this channel" in embed_text(none_yet)
        await wait_answer(await standin.invoke_command("solve", {"steps": 5}))
        out_of_range = await (
            await standin.invoke_command("explain", {"iteration": 7})
        ).wait_final()
        assert out_of_range.ephemeral and "0 to 4" in embed_text(out_of_range)
        unknown = await (
            await standin.invoke_command("explain", {"iteration": 0, "run": 999})
        ).wait_final()
        assert unknown.ephemeral and "#999" in embed_text(unknown)


async def test_a_bad_equation_is_refused_at_once_and_the_bot_keeps_serving(
    standin: StandIn, tmp_path
):
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        handle = await standin.invoke_command("solve", {"equation": "y + 1"})
        callback = await handle.wait_callback()
        assert callback.type == 4 and callback.ephemeral
        assert "unknown name 'y' at column 1" in embed_text(await handle.wait_final())
        help_message = await (await standin.invoke_command("help", {})).wait_final()
        assert "/solve" in embed_text(help_message)


async def test_compare_shows_a_line_per_learning_rate_and_a_figure(standin: StandIn, tmp_path):
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        handle = await standin.invoke_command("compare", {"lrs": "0.001 0.01 0.05 0.2"})
        message = await wait_answer(handle)
        text = embed_text(message)
        for lr in ("lr = 0.001", "lr = 0.01", "lr = 0.05", "lr = 0.2"):
            assert lr in text
        assert "final x = 1.4142133" in text
        png_size(message.embed_attachment().data)
        bad = await (await standin.invoke_command("compare", {"lrs": "0.1"})).wait_final()
        assert bad.ephemeral and "2 to 8" in embed_text(bad)


async def test_japanese_locale_gets_japanese_replies(standin: StandIn, tmp_path, monkeypatch):
    drawn_in: list[str] = []
    real_convergence = Renderer.convergence

    def recording(self, run, lang):
        if run.settings.steps == 100:  # not the start-up warm-up
            drawn_in.append(lang)
        return real_convergence(self, run, lang)

    monkeypatch.setattr(Renderer, "convergence", recording)
    async with bot_in_process(standin, write_config(tmp_path, standin)):
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


async def test_full_queue_answers_busy_at_once(standin: StandIn, tmp_path, monkeypatch):
    gate = threading.Event()
    real_solve = solve_feature.solve

    def held_solve(*args, **kwargs):
        gate.wait(30)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(solve_feature, "solve", held_solve)
    config = write_config(tmp_path, standin, limits={"workers": 1, "queue": 1})
    async with bot_in_process(standin, config):
        first = await standin.invoke_command("solve", {})
        await first.wait_callback()
        second = await standin.invoke_command("solve", {}, user=standin.make_user("b"))
        await second.wait_callback()
        third = await standin.invoke_command("solve", {}, user=standin.make_user("c"))
        busy = await third.wait_callback()
        assert busy.type == 4 and busy.ephemeral and busy.elapsed < 3.0
        assert "busy" in embed_text(await third.wait_final())
        gate.set()
        for handle in (first, second):
            assert "x=1.4142133" in embed_text(await wait_answer(handle))


async def test_cooldown_tells_the_seconds_left_and_spares_other_users(standin: StandIn, tmp_path):
    config = write_config(tmp_path, standin, limits={"cooldown_seconds": 60})
    async with bot_in_process(standin, config):
        await wait_answer(await standin.invoke_command("solve", {"steps": 3}))
        again = await (await standin.invoke_command("solve", {"steps": 3})).wait_final()
        assert again.ephemeral and "you can start another run in" in embed_text(again)
        other = await standin.invoke_command("solve", {"steps": 3}, user=standin.make_user("other"))
        assert "x=" in embed_text(await wait_answer(other))


async def test_a_failed_worker_answers_with_an_error_and_the_bot_keeps_serving(
    standin: StandIn, tmp_path, monkeypatch
):
    def broken(self, run, lang):
        raise RuntimeError("matplotlib exploded")

    async with bot_in_process(standin, write_config(tmp_path, standin)):
        with monkeypatch.context() as patch:
            patch.setattr(Renderer, "convergence", broken)
            failed = await wait_answer(await standin.invoke_command("solve", {}))
            assert "went wrong while computing" in embed_text(failed)
        ok = await wait_answer(await standin.invoke_command("solve", {}))
        assert "x=1.4142133" in embed_text(ok)


async def test_a_run_past_max_seconds_is_reported_as_timed_out(standin: StandIn, tmp_path):
    config = write_config(tmp_path, standin, solver={"max_seconds": 0.1})
    async with bot_in_process(standin, config):
        message = await wait_answer(await standin.invoke_command("solve", {"steps": 10000}))
        assert "timed out" in embed_text(message)


async def test_runs_survive_a_restart(standin: StandIn, tmp_path):
    config = write_config(tmp_path, standin)
    async with bot_in_process(standin, config):
        await wait_answer(await standin.invoke_command("solve", {"lr": 0.02}))
    async with bot_in_process(standin, config):
        message = await (
            await standin.invoke_command("explain", {"iteration": 0, "run": 1})
        ).wait_final()
        text = embed_text(message)
        assert "run #1" in text and "0.0200000" in text


async def test_autocomplete_offers_the_users_recent_runs(standin: StandIn, tmp_path):
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        await wait_answer(
            await standin.invoke_command("solve", {"equation": "x^2 = 3", "steps": 5})
        )
        choices = await standin.autocomplete("explain", {"iteration": 0, "run": ""}, focused="run")
        assert choices and choices[0]["value"] == 1 and "x^2 = 3" in choices[0]["name"]


async def test_gateway_drop_then_resume_and_the_reply_still_arrives(
    standin: StandIn, tmp_path, monkeypatch
):
    gate = threading.Event()
    real_solve = solve_feature.solve
    monkeypatch.setattr(
        solve_feature, "solve", lambda *a, **k: (gate.wait(30), real_solve(*a, **k))[1]
    )
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        handle = await standin.invoke_command("solve", {})
        await handle.wait_callback()
        await standin.drop_gateway(4000)
        gate.set()
        await standin.wait_resumed(1, timeout=30)
        assert "x=1.4142133" in embed_text(await wait_answer(handle))
        after = await (await standin.invoke_command("help", {})).wait_final()
        assert "/solve" in embed_text(after)


@pytest.mark.parametrize("status", [429, 500])
async def test_api_429_and_500_are_retried(standin: StandIn, tmp_path, status):
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        fault = standin.fail_next("PATCH", r"/webhooks/.*/messages/@original", status=status)
        handle = await standin.invoke_command("solve", {})
        assert "x=1.4142133" in embed_text(await wait_answer(handle))
        await fault.wait_recovered()


async def test_the_token_never_reaches_the_logs(standin: StandIn, tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(Renderer, "convergence", lambda self, run, lang: 1 / 0)
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        await wait_answer(await standin.invoke_command("solve", {}))
        await asyncio.sleep(0.1)
    assert caplog.records
    assert standin.token not in caplog.text
