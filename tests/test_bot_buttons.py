"""Issue 4, a tutor you can click through: the buttons under a /solve reply, end to end through
the stand-in with the production bot (`run_discord`), and the progress shown on long runs."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import math
import re
from pathlib import Path

import pytest
from bot_fixtures import LiveBot
from bot_harness import (
    bot_in_process,
    button,
    button_labels,
    embed_text,
    mentions_disabled_everywhere,
    png_size,
    run_id_of,
    wait_answer,
    write_config,
)
from discord_standin import CallbackRecord, Message, StandIn

from bot.discord_app.client import TutorClient
from bot.storage import StoredRun
from bot.storage.sqlite import SqliteRunStore
from bot.tutor.button_rows import step_buttons
from bot.tutor.custom_ids import ButtonId, decode
from solver import Run, Settings, solve

SOLVE_LABELS = ["Explain step", "All iterations", "lr ×½", "lr ×2", "Animate"]
NAV_LABELS = ["⏮", "◀", "▶", "⏭"]
BASE_COLUMNS = ["k", "x", "y", "loss", "grad"]


async def click(
    standin: StandIn, message: Message, label: str, **kwargs: object
) -> tuple[CallbackRecord, Message]:
    """Click the button labelled `label`; its first answer and the message the user sees once
    the bot has answered (for a deferred re-run, the answer that replaced "thinking")."""
    handle = await standin.click(message, button(message, label)["custom_id"], **kwargs)
    callback = await handle.wait_callback()
    return callback, await wait_answer(handle)


def disabled(message: Message) -> list[str]:
    """The labels of the message's disabled buttons."""
    return [b["label"] for b in message.buttons() if b.get("disabled")]


def stored(tmp_path: Path, run_id: int) -> StoredRun | None:
    """Run `run_id` as the bot's SQLite file holds it (read through a second connection)."""
    store = SqliteRunStore(tmp_path / "runs.sqlite3", keep_runs_per_user=1000)
    try:
        return store.get(run_id)
    finally:
        store.close()


def shown(value: float) -> str:
    """A number as explanations print it: 7 decimals, e-notation when tiny or huge."""
    return f"{value:.7f}" if value == 0 or 1e-4 <= abs(value) < 1e7 else f"{value:.7e}"


def step_numbers(run: Run, k: int) -> list[str]:
    """Lines an explanation of step k must show: x_k, its gradient and the x it led to."""
    it = run.iterations[k]
    return [
        f"x_{k} = {shown(it.x)}\n",
        f"dL/dx = {shown(it.grad)}: the same.",
        f"gave x_{k + 1} = {shown(run.next_x(k))}\n",
    ]


def test_custom_ids_round_trip_and_foreign_ids_are_not_ours():
    for bid in (ButtonId("explain", 7), ButtonId("step", 12, 99, "last"), ButtonId("half", 1)):
        assert decode(bid.encode()) == bid and len(bid.encode()) <= 100
    for foreign in ("gd:explain:", "gd:step:1:2", "gd:step:1:2:middle", "other:csv:1", "gd:csv:1x"):
        assert decode(foreign) is None
    with pytest.raises(ValueError):
        ButtonId("step", 1, 3).encode()  # a step without its slot would not decode
    ids = [b.custom_id for row in step_buttons(5, 3, 3) for b in row]
    assert len(set(ids)) == 4  # ▶ and ⏭ both lead to 3 at the last step, yet differ


async def test_explain_step_opens_a_private_walk_through_edited_in_place(
    standin: StandIn, tmp_path, monkeypatch
):
    clients: list[TutorClient] = []
    real_setup = TutorClient.setup_hook

    async def setup_hook(self: TutorClient) -> None:
        clients.append(self)
        await real_setup(self)

    monkeypatch.setattr(TutorClient, "setup_hook", setup_hook)
    expected = solve(Settings(equation="x**2 - 2", x0=1.0, lr=0.01, steps=100))
    async with bot_in_process(standin, write_config(tmp_path, standin)):
        answer = await wait_answer(await standin.invoke_command("solve", {}))
        assert button_labels(answer) == SOLVE_LABELS and disabled(answer) == []
        before = len(standin.messages)

        # Anyone in the channel may step through someone else's run.
        other = standin.make_user("reader")
        opened, step = await click(standin, answer, "Explain step", user=other)
        assert opened.type == 4 and opened.ephemeral and step.ephemeral
        assert step.id != answer.id and len(standin.messages) == before + 1
        assert button_labels(step) == NAV_LABELS and disabled(step) == ["⏮", "◀"]
        text = embed_text(step)
        assert "Iteration 0 (of 0–99)" in text and "run #1" in text
        for line in step_numbers(expected, 0):
            assert line in text
        for label in ("⏮", "◀"):  # a disabled button cannot be clicked at all
            with pytest.raises(ValueError, match="disabled"):
                await standin.click(step, button(step, label)["custom_id"], user=other)

        walk = [("▶", 1), ("⏭", 99), ("◀", 98), ("▶", 99), ("⏮", 0), ("▶", 1)]
        for label, k in walk:
            callback, shown = await click(standin, step, label, user=other)
            assert callback.type == 7 and callback.message is step and shown is step
            text = embed_text(step)
            assert f"Iteration {k} (of 0–99)" in text
            for line in step_numbers(expected, k):
                assert line in text
            assert disabled(step) == (["⏮", "◀"] if k == 0 else ["▶", "⏭"] if k == 99 else [])
            if k == 99:
                for off in ("▶", "⏭"):
                    with pytest.raises(ValueError, match="disabled"):
                        await standin.click(step, button(step, off)["custom_id"], user=other)
        text = embed_text(step)
        assert "-3.8205440" in text and "x_2 = 1.0782053" in text
        # Every click edited the one private message: nothing new in the channel.
        assert len(standin.messages) == before + 1 and len(step.edits) == len(walk)
        assert answer.edits[-1].time < opened.when  # the /solve reply itself was left alone
        # Clicks are served from the custom_id alone: no view is kept in memory per reply.
        (client,) = clients
        assert client._connection._view_store.persistent_views == []
        assert not client._connection._view_store._views
        mentions_disabled_everywhere(standin)
        standin.assert_no_violations()


async def test_the_step_view_speaks_the_clickers_language(shared_bot: LiveBot):
    standin = shared_bot.standin
    answer = await wait_answer(await standin.invoke_command("solve", {"optimizer": "adam"}))
    opened, step = await click(standin, answer, "Explain step", locale="ja")
    text = embed_text(step)
    assert opened.ephemeral and "反復 0（0〜99）" in text and "連鎖律" in text
    assert "更新（Adam）" in text and "x_1 = 1.0100000" in text
    assert f"実行 #{run_id_of(answer)}" in text
    await click(standin, step, "▶", locale="ja")
    text = embed_text(step)
    assert "反復 1（0〜99）" in text and "t = 2 のバイアス補正" in text
    assert "x_2 = 1.0199971" in text
    japanese = await wait_answer(await standin.invoke_command("solve", {}, locale="ja"))
    assert button_labels(japanese) == [
        "ステップを説明",
        "全反復",
        "学習率 ×½",
        "学習率 ×2",
        "アニメーション",
    ]


def parsed(data: bytes) -> tuple[list[str], list[list[float]]]:
    """A CSV's header and its rows as floats."""
    rows = list(csv.reader(io.StringIO(data.decode())))
    return rows[0], [[float(v) if v else math.nan for v in row] for row in rows[1:]]


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


CSV_CASES = [
    # (settings, state columns): SGD has no state; a diverged run ends in inf/nan.
    ({"steps": 100}, []),
    ({"optimizer": "momentum"}, ["momentum_buffer"]),
    (
        {"optimizer": "adam", "precision": "float64", "steps": 300},
        ["exp_avg", "exp_avg_sq", "step"],
    ),
    ({"lr": 1.0, "steps": 50}, []),
]


async def test_all_iterations_sends_the_clicker_every_iteration_at_full_precision(
    shared_bot: LiveBot,
):
    standin = shared_bot.standin
    for options, state in CSV_CASES:
        answer = await wait_answer(await standin.invoke_command("solve", options))
        run_id = run_id_of(answer)
        callback, sent = await click(standin, answer, "All iterations")
        assert callback.type == 4 and callback.ephemeral and sent.ephemeral
        assert f"run #{run_id}" in sent.content
        (attachment,) = sent.attachments
        assert attachment.filename == f"run-{run_id}-iterations.csv"
        header, rows = parsed(attachment.data)
        assert header == BASE_COLUMNS + state

        record = stored(shared_bot.data_dir, run_id)
        assert record is not None
        fresh = solve(
            Settings(
                equation="x**2 - 2",
                x0=1.0,
                lr=options.get("lr", 0.01),
                steps=options.get("steps", 100),
                optimizer=options.get("optimizer", "sgd"),
                precision=options.get("precision", "float32"),
            )
        )
        for run in (record.run, fresh):
            assert len(rows) == len(run.iterations)
            for row, it in zip(rows, run.iterations, strict=True):
                want = [it.k, it.x, it.y, it.loss, it.grad]
                want += [it.state.get(c, math.nan) for c in state]
                assert all(same(a, b) for a, b in zip(row, want, strict=True)), (row, want)
        assert f"{len(rows)} iterations" in sent.content
    assert "diverged" in embed_text(answer) and len(rows) < 50  # it stopped early
    standin.assert_no_violations()


async def test_lr_buttons_rerun_as_the_clickers_public_run_with_its_own_buttons(
    standin: StandIn, own_bot: LiveBot, tmp_path
):
    answer = await wait_answer(await standin.invoke_command("solve", {}))
    clicker = standin.make_user("clicker")
    callback, half = await click(standin, answer, "lr ×½", user=clicker)
    assert callback.type == 5 and not callback.ephemeral
    assert half.id != answer.id and not half.ephemeral
    text = embed_text(half)
    slower = solve(Settings(equation="x**2 - 2", x0=1.0, lr=0.005, steps=100))
    assert "lr = 0.005 · steps = 100" in text and "run #2" in text
    for line in slower.lines()[:3] + slower.lines()[-2:]:
        assert line in text
    png_size(half.embed_attachment().data)
    record = stored(tmp_path, 2)
    assert record is not None and record.user_id == int(clicker["id"])
    assert record.run.settings.lr == 0.005
    assert button_labels(half) == SOLVE_LABELS
    assert {decode(b["custom_id"]).run_id for b in half.buttons()} == {2}

    # The re-run's own ×2 brings back the article's run, as a third run.
    _, double = await click(standin, half, "lr ×2")
    text = embed_text(double)
    assert "lr = 0.01 · steps = 100" in text and "run #3" in text
    assert "1: x=1.0400000, y=-0.9184000, dL/dx=-3.8205440" in text
    assert stored(tmp_path, 3).user_id == int(standin.user["id"])
    assert len(standin.messages) == 3
    mentions_disabled_everywhere(standin)
    standin.assert_no_violations()


@pytest.mark.bot_config(limits={"cooldown_seconds": 60})
async def test_a_rerun_counts_against_the_clickers_cooldown(
    standin: StandIn, own_bot: LiveBot, tmp_path
):
    answer = await wait_answer(await standin.invoke_command("solve", {"steps": 3}))
    # The owner has just run: their click waits; another user's first click runs.
    refused, text = await click(standin, answer, "lr ×2")
    assert refused.type == 4 and refused.ephemeral
    assert "you can start another run in" in embed_text(text)
    other = standin.make_user("other")
    accepted, rerun = await click(standin, answer, "lr ×½", user=other)
    assert accepted.type == 5 and "run #2" in embed_text(rerun)
    again, text = await click(standin, answer, "lr ×2", user=other)
    assert again.type == 4 and again.ephemeral
    assert "you can start another run in" in embed_text(text)
    assert stored(tmp_path, 3) is None and stored(tmp_path, 2) is not None
    standin.assert_no_violations()


async def test_buttons_keep_working_after_a_restart(standin: StandIn, own_bot: LiveBot):
    answer = await wait_answer(await standin.invoke_command("solve", {}))
    _, step = await click(standin, answer, "Explain step")
    await click(standin, step, "▶")
    await own_bot.restart()
    callback, _ = await click(standin, step, "▶")
    assert callback.type == 7 and "Iteration 2 (of 0–99)" in embed_text(step)
    assert "gave x_3 = 1.1143241" in embed_text(step)
    opened, fresh = await click(standin, answer, "Explain step")
    assert opened.ephemeral and fresh.id != step.id and "x_1 = 1.0400000" in embed_text(fresh)
    _, sent = await click(standin, answer, "All iterations")
    assert len(parsed(sent.attachments[0].data)[1]) == 100
    _, rerun = await click(standin, answer, "lr ×2")
    assert "lr = 0.02" in embed_text(rerun) and "run #2" in embed_text(rerun)
    standin.assert_no_violations()


@pytest.mark.bot_config(storage={"keep_runs_per_user": 1})
async def test_a_pruned_runs_buttons_answer_clearly(standin: StandIn, own_bot: LiveBot, tmp_path):
    first = await wait_answer(await standin.invoke_command("solve", {"steps": 5}))
    _, step = await click(standin, first, "Explain step")
    second = await wait_answer(await standin.invoke_command("solve", {"steps": 6}))
    assert stored(tmp_path, 1) is None
    for message, label in [(first, name) for name in SOLVE_LABELS] + [(step, "▶")]:
        callback, said = await click(standin, message, label)
        assert callback.type == 4 and callback.ephemeral, label
        assert "Run #1 has expired" in embed_text(said), label
    assert "Iteration 0 (of 0–4)" in embed_text(step)  # the old view was left as it was
    _, works = await click(standin, second, "Explain step")
    assert "Iteration 0 (of 0–5)" in embed_text(works) and "run #2" in embed_text(works)
    standin.assert_no_violations()


@pytest.mark.bot_config(storage={"keep_bytes_per_user": 65536})
async def test_a_stripped_run_offers_to_run_again_with_the_same_numbers(
    standin: StandIn, own_bot: LiveBot, tmp_path
):
    """Past the user's byte budget the older run loses its iterations but keeps its settings:
    its buttons say so in the clicker's language, name the settings, and Run again computes
    the very numbers that were shown."""
    # 10,000 steps whose y and dL/dx jump about like noise: ~150 KB packed, past 64 KiB.
    longest = {
        "equation": "sin(1000*x)",
        "x0": 2.0,
        "lr": 0.02,
        "steps": 10000,
        "optimizer": "adam",
        "precision": "float64",
    }
    first = await wait_answer(await standin.invoke_command("solve", longest))
    await wait_answer(await standin.invoke_command("solve", {}))
    for _ in range(200):  # the pruner works in the background, after the save
        if stored(tmp_path, 1) is None:
            break
        await asyncio.sleep(0.05)
    assert stored(tmp_path, 1) is None
    _, said = await click(standin, first, "Explain step", locale="ja")
    text = embed_text(said)
    assert "実行 #1 は期限切れです" in text and "設定は残っています" in text
    assert "式:sin(1000\\*x), 初期値:2, 学習率:0.02, ステップ数:10000, 最適化手法:adam" in text
    assert button_labels(said) == ["もう一度実行"]
    _, expired = await click(standin, first, "All iterations")
    assert "Run #1 has expired" in embed_text(expired) and "x0:2, lr:0.02" in embed_text(expired)
    _, again = await click(standin, expired, "Run again")
    assert "run #3" in embed_text(again)
    assert iteration_lines(again) == iteration_lines(first) != []
    standin.assert_no_violations()


def iteration_lines(message: Message) -> list[str]:
    """The article-format iteration lines an answer shows."""
    return re.findall(r"^\d+: x=.*$", embed_text(message), re.MULTILINE)


# Many sine and cosine terms make each step slow enough that 10,000 steps surely take > 2 s.
SLOW_EQUATION = " + ".join(f"sin({i}x)/{i} + cos({i}x)/{i}" for i in range(1, 7)) + " = 1"
PROGRESS = re.compile(r"Iteration (\d+) / 10000 · x = -?\d+\.\d{7} · loss = \S+e[+-]\d+")


@pytest.mark.bot_config(solver={"max_seconds": 120})
async def test_a_long_run_shows_its_progress_at_most_once_a_second(
    standin: StandIn, own_bot: LiveBot
):
    assert len(SLOW_EQUATION) <= 200
    handle = await standin.invoke_command(
        "solve", {"equation": SLOW_EQUATION, "steps": 10000, "lr": 0.001}
    )
    deferred = await handle.wait_callback()
    answer = await wait_answer(handle, timeout=120)
    edits = handle.edits
    progress = [e for e in edits if e.snapshot["content"].startswith("Iteration")]
    assert len(progress) >= 2, [e.snapshot["content"] for e in edits]
    # Then the numbers, then the picture added to them.
    assert edits[: len(progress)] == progress and len(edits) == len(progress) + 2
    for edit in progress:
        assert PROGRESS.fullmatch(edit.snapshot["content"]), edit.snapshot["content"]
        assert not edit.snapshot["embeds"]
    steps = [int(PROGRESS.fullmatch(e.snapshot["content"]).group(1)) for e in progress]
    assert steps == sorted(steps) and steps[-1] <= 10000
    assert progress[0].time - deferred.when >= 0.9
    gaps = [b.time - a.time for a, b in itertools.pairwise(progress)]
    assert min(gaps) >= 0.9, gaps
    # The last edit replaced the progress line with the answer.
    assert edits[-1].snapshot["id"] == answer.id and answer.content == ""
    assert "Gradient descent on" in embed_text(answer) and "steps = 10000" in embed_text(answer)
    assert png_size(answer.embed_attachment().data) == (1200, 500)
    assert "9999: x=" in embed_text(answer)
    standin.assert_no_violations()
