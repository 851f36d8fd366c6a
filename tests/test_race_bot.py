"""Issue 14, /race end to end: the production bot through the real discord.py client against
the stand-in (numbers first, the picture by an edit, each method's run stored for /explain),
in English and Japanese, and the same in the console."""

from __future__ import annotations

import re

from bot_fixtures import LiveBot
from bot_harness import embed_text, mentions_disabled_everywhere, png_size, wait_answer
from console_harness import console_process, replies

from solver import Settings, race
from solver.plots import render_race

LINE = re.compile(r"\*\*(\w+)\*\*: (.+?) · final x = `([-0-9.]+)` · run #(\d+)")


async def test_race_answers_a_line_per_method_then_its_picture(shared_bot: LiveBot):
    standin = shared_bot.standin
    handle = await standin.invoke_command("race", {"x0": 1, "lr": 0.01})
    final = await wait_answer(handle)
    shown = [e.snapshot for e in handle.edits if e.snapshot.get("embeds")]
    numbers, pictured = shown[0], shown[-1]
    assert numbers["content"] == "Drawing the picture…" and not numbers["attachments"]
    assert pictured["attachments"] and not pictured["content"]
    text = embed_text(final)
    assert "Methods raced on x² − 2" in text
    lines = {m[0]: m[1:] for m in LINE.findall(text)}
    expected = race(Settings())
    assert list(lines) == ["SGD", "Momentum", "Adam", "Newton"]
    assert lines["SGD"][:2] == ("78 steps", "1.4142133")
    assert lines["Newton"][:2] == ("4 steps", "1.4142135")
    assert lines["Momentum"][0] == lines["Adam"][0] == "never (not within the steps)"
    for lane, (_, x, _) in zip(expected.lanes, lines.values(), strict=True):
        assert x == f"{lane.run.final_x:.7f}"
    ids = [int(run_id) for _, _, run_id in lines.values()]
    assert len(set(ids)) == 4
    assert f"/explain iteration:1 run:{ids[-1]} shows Newton's tangent line" in text
    assert png_size(final.embed_attachment().data) == (1200, 500)
    assert final.embed_attachment().data == render_race(expected)

    # Every method's run is stored: /explain shows its own update, Newton's its tangent.
    newton = await (
        await standin.invoke_command("explain", {"iteration": 1, "run": ids[-1]})
    ).wait_final()
    newton_text = embed_text(newton)
    assert "③ The tangent line at x_1" in newton_text
    assert "y = f(x_1) + f'(x_1) · (x − x_1) = 0.2500000 + (3.0000000) · (x − 1.5000000)" in (
        newton_text
    )
    assert "= 1.4166666" in newton_text and f"run #{ids[-1]}" in newton_text
    sgd = await (
        await standin.invoke_command("explain", {"iteration": 1, "run": ids[0]})
    ).wait_final()
    assert "x ← x − lr · dL/dx = 1.0400000 − 0.01 · (-3.8205440) = 1.0782053" in (embed_text(sgd))
    adam = await (
        await standin.invoke_command("explain", {"iteration": 0, "run": ids[2]})
    ).wait_final()
    assert "④ The update (Adam)" in embed_text(adam)
    mentions_disabled_everywhere(standin)
    standin.assert_no_violations()


async def test_race_in_japanese_and_its_refusals(shared_bot: LiveBot):
    standin = shared_bot.standin
    command = standin.command("race")
    assert command["name_localizations"]["ja"] == "競争"
    options = {option["name"]: option for option in command["options"]}
    assert set(options) == {"x0", "lr", "steps", "equation", "precision"}
    assert options["lr"]["name_localizations"]["ja"] == "学習率"

    final = await wait_answer(await standin.invoke_command("race", {"x0": 0}, locale="ja"))
    text = embed_text(final)
    assert "x² − 2 で手法を競争" in text
    assert "**ニュートン法**：届かず（f' = 0：接線が水平）· 最終 x = `0.0000000`" in text
    assert "**SGD**：届かず（停滞）" in text
    newton_id = int(re.findall(r"実行 #(\d+)", text)[-1])
    # Newton stopped at iteration 0: the footer points at the one step there is.
    assert f"/説明 反復:0 実行:{newton_id} でニュートン法の接線を表示" in text
    explained = await (
        await standin.invoke_command("explain", {"iteration": 0, "run": newton_id}, locale="ja")
    ).wait_final()
    assert "接線は高さ -2.0000000 で水平なので 0 と交わらず" in embed_text(explained)
    helped = await (await standin.invoke_command("help", {}, locale="ja")).wait_final()
    assert "/競争 初期値:1 学習率:0.01" in embed_text(helped)

    refused = await (
        await standin.invoke_command("race", {"equation": "y"}, locale="ja")
    ).wait_final()
    assert refused.ephemeral and "読み取れません" in embed_text(refused)
    bad_lr = await (await standin.invoke_command("race", {"lr": -1})).wait_final()
    assert bad_lr.ephemeral and "lr must be a positive number" in embed_text(bad_lr)
    standin.assert_no_violations()


def test_race_in_the_console_prints_the_lines_and_saves_the_picture(tmp_path):
    session = ["/race x0:1 lr:0.01", "/explain iteration:1", "/solve optimizer:newton"]
    process = console_process(tmp_path)
    out, err = process.communicate("\n".join(session) + "\n", timeout=180)
    assert process.returncode == 0, err
    raced, explained, refused = (reply for _, reply in replies(out))
    assert "SGD: 78 steps · final x = 1.4142133 · run #1" in raced
    assert "Momentum: never (not within the steps) · final x = 1.4160581 · run #2" in raced
    assert "Newton: 4 steps · final x = 1.4142135 · run #4" in raced
    picture = tmp_path / "data" / "images" / "race-1.png"
    assert f"[saved {picture}]" in raced
    assert picture.read_bytes() == render_race(race(Settings()))
    # The latest run in the channel is Newton's: its step 1 follows the tangent.
    assert "x_2 = x_1 − f(x_1) / f'(x_1) = 1.5000000 − (0.2500000) / (3.0000000)" in explained
    assert "run #4" in explained
    assert "choose an optimizer (sgd, momentum, adam)" in refused  # Newton runs in /race only
