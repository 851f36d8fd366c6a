"""The Tutor's features with no Discord: a real store in a temporary folder, a real pool."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

import bot.tutor.solve as solve_feature
from bot.config import Config, LimitsConfig, StorageConfig
from bot.runtime import build_tutor, close_tutor
from bot.tutor.caller import Caller
from bot.tutor.errors import UserError
from bot.tutor.tutor import Tutor
from solver import Outcome, Run, Settings, solve
from solver.words import t

GOLDEN = Path(__file__).parent / "golden" / "expected_output.txt"
ALICE = Caller(user_id=1, channel_id=10)
BOB = Caller(user_id=2, channel_id=10)


def tutor_with(tmp_path: Path, **limits: float) -> Tutor:
    config = Config(
        limits=LimitsConfig(**{"workers": 1, "queue": 1, "render_processes": 0, **limits}),
        storage=StorageConfig(path=tmp_path / "runs.sqlite3"),
    )
    return build_tutor(config)


@pytest.fixture
def tutor(tmp_path: Path) -> Iterator[Tutor]:
    built = tutor_with(tmp_path, cooldown_seconds=0)
    yield built
    close_tutor(built)


async def test_solve_stores_the_articles_run_and_replies_with_its_id(tutor: Tutor) -> None:
    reply = await tutor.run_solve(tutor.admit_solve(ALICE))
    assert reply.run_id is not None and reply.image is not None
    stored = tutor.store.get(reply.run_id)
    assert stored is not None and stored.user_id == ALICE.user_id
    assert "\n".join(stored.run.lines()) + "\n" == GOLDEN.read_text()
    assert stored.run.settings == Settings()
    assert "x=1.4142133" in reply.as_text()
    assert [b.label for b in reply.buttons[0]] == [
        "Explain step",
        "All iterations",
        "lr ×½",
        "lr ×2",
        "Animate",
    ]
    assert tutor.pool.pending == 0


async def test_compare_stores_one_run_per_rate_with_the_shared_settings(tutor: Tutor) -> None:
    job = tutor.admit_compare(ALICE, lrs="0.01, 0.1 0.5", x0=2.0, steps=50, equation="x^2 = 3")
    reply = await tutor.run_compare(job)
    first = reply.run_id
    assert first is not None
    runs = [tutor.store.get(first + i) for i in range(3)]
    assert [r.run.settings.lr for r in runs if r] == [0.01, 0.1, 0.5]
    for stored in runs:
        assert stored is not None
        s = stored.run.settings
        assert (s.x0, s.steps, s.equation) == (2.0, 50, "x^2 = 3")
        assert stored.run.lines() == solve(s).lines()
    for stored in runs:
        assert stored is not None
        lr, x = stored.run.settings.lr, stored.run.final_x
        assert f"lr = {lr:g}: " in reply.as_text() and f"final x = {x:.7f}" in reply.as_text()


async def test_explain_finds_the_latest_run_in_the_channel(tutor: Tutor) -> None:
    await tutor.run_solve(tutor.admit_solve(ALICE, lr=0.02))
    reply = await tutor.explain(ALICE, 1)
    text = reply.as_text()
    assert "run #1" in text and "x_1 = 1.0800000" in text
    with pytest.raises(UserError) as info:
        await tutor.explain(BOB, 1)
    assert info.value.key == "bot.no_runs"


async def test_explain_names_unknown_runs_and_iterations_out_of_range(tutor: Tutor) -> None:
    reply = await tutor.run_solve(tutor.admit_solve(ALICE, steps=5))
    with pytest.raises(UserError) as info:
        await tutor.explain(ALICE, 0, 99)
    assert (info.value.key, info.value.params) == ("bot.unknown_run", {"run_id": 99})
    with pytest.raises(UserError) as info:
        await tutor.explain(ALICE, 5, reply.run_id)
    assert (info.value.key, info.value.params) == ("bot.iteration_range", {"k": 5, "last": 4})


async def test_step_buttons_walk_a_run_and_stop_at_its_ends(tutor: Tutor) -> None:
    run_id = (await tutor.run_solve(tutor.admit_solve(ALICE, steps=3))).run_id
    assert run_id is not None
    first = await tutor.step(BOB, run_id, 0)
    assert first.ephemeral and "x_0 = 1.0000000" in first.as_text()
    assert [b.disabled for b in first.buttons[0]] == [True, True, False, False]
    last = await tutor.step(BOB, run_id, 2)
    assert [b.disabled for b in last.buttons[0]] == [False, False, True, True]
    assert [b.custom_id for b in last.buttons[0]][1] == f"gd:step:{run_id}:1:prev"


async def test_rerun_doubles_the_rate_as_the_clickers_run(tutor: Tutor) -> None:
    run_id = (await tutor.run_solve(tutor.admit_solve(ALICE, optimizer="adam"))).run_id
    assert run_id is not None
    job = await tutor.admit_rerun(BOB, run_id, 2.0)
    assert job.settings == Settings(lr=0.02, optimizer="adam")
    reply = await tutor.run_solve(job)
    assert reply.run_id is not None
    stored = tutor.store.get(reply.run_id)
    assert stored is not None and stored.user_id == BOB.user_id
    assert stored.run.lines() == solve(Settings(lr=0.02, optimizer="adam")).lines()


async def test_csv_has_every_iteration_at_full_precision(tutor: Tutor) -> None:
    run_id = (await tutor.run_solve(tutor.admit_solve(ALICE, optimizer="momentum"))).run_id
    assert run_id is not None
    reply = await tutor.export_csv(BOB, run_id)
    assert reply.ephemeral
    (attachment,) = reply.files
    rows = list(csv.reader(io.StringIO(attachment.data.decode())))
    assert rows[0] == ["k", "x", "y", "loss", "grad", "momentum_buffer"]
    expected = solve(Settings(optimizer="momentum")).iterations
    assert len(rows) == len(expected) + 1
    assert [float(v) for v in rows[2][1:]] == [
        *expected[1][1:5],
        expected[1].state["momentum_buffer"],
    ]
    with pytest.raises(UserError) as info:
        await tutor.export_csv(BOB, run_id + 1)
    assert info.value.key == "bot.unknown_run"


async def test_a_full_pool_answers_busy_and_spends_no_cooldown(tmp_path: Path) -> None:
    tutor = tutor_with(tmp_path, cooldown_seconds=60)
    try:
        # Different settings: a request identical to one in flight would join it instead.
        held = [tutor.admit_solve(Caller(user_id=n, channel_id=1), lr=n / 100) for n in (3, 4)]
        with pytest.raises(UserError) as info:
            tutor.admit_solve(ALICE)
        assert info.value.key == "bot.busy"
        held[0].release()
        job = tutor.admit_solve(ALICE)  # its cooldown was not spent on the busy answer
        with pytest.raises(UserError) as info:
            tutor.admit_compare(Caller(user_id=1, channel_id=1), lrs="0.1 0.2")
        assert info.value.key == "bot.busy"
        job.release()
        with pytest.raises(UserError) as info:
            tutor.admit_solve(ALICE)
        assert info.value.key == "bot.cooldown" and info.value.params["seconds"] > 59
        assert tutor.pool.pending == 1  # only held[1]'s slot
        held[1].release()
        assert tutor.pool.pending == 0
    finally:
        close_tutor(tutor)


async def test_a_fault_that_retrying_cannot_fix_is_answered_without_try_again(
    tutor: Tutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("torch exploded")

    monkeypatch.setattr(solve_feature, "solve", broken)
    with pytest.raises(UserError) as info:
        await tutor.run_solve(tutor.admit_solve(ALICE))
    assert info.value.key == "bot.run_failed"
    for lang in ("en", "ja"):
        text = t(lang, info.value.key)
        assert "try again" not in text and "お試しください" not in text, text
    assert tutor.pool.pending == 0 and tutor.store.count() == 0
    assert len(tutor.shared) == 0  # a failure is not kept for the next request


def died(*args: object, **kwargs: object) -> None:
    raise BrokenProcessPool("a worker process died")


def locked(*args: object, **kwargs: object) -> int:
    raise sqlite3.OperationalError("database is locked")


@pytest.mark.parametrize(("part", "fault"), [("solve_feature.solve", died), ("store.save", locked)])
async def test_a_dead_process_or_locked_storage_is_answered_with_try_again(
    tutor: Tutor, monkeypatch: pytest.MonkeyPatch, part: str, fault: object
) -> None:
    owner, name = part.split(".")
    monkeypatch.setattr(
        solve_feature if owner == "solve_feature" else getattr(tutor, owner), name, fault
    )
    with pytest.raises(UserError) as info:
        await tutor.run_solve(tutor.admit_solve(ALICE))
    assert info.value.key == "bot.worker_failed"
    assert "please try again" in t("en", info.value.key)
    assert "もう一度お試しください" in t("ja", info.value.key)
    assert tutor.pool.pending == 0


async def test_a_run_id_past_sqlites_int64_is_simply_unknown(tutor: Tutor) -> None:
    for run_id in (2**63, 99999999999999999999999, -(2**70), 0):
        with pytest.raises(UserError) as info:
            await tutor.explain(ALICE, 1, run_id)
        assert (info.value.key, info.value.params) == ("bot.unknown_run", {"run_id": run_id})


async def test_explaining_a_run_with_no_iterations_says_it_has_none(tutor: Tutor) -> None:
    empty = Run(Settings(), [], final_x=1.0, outcome=Outcome.TIMED_OUT)
    run_id = tutor.store.save(empty, user_id=1, guild_id=None, channel_id=10, locale="en-US")
    with pytest.raises(UserError) as info:
        await tutor.explain(ALICE, 0, run_id)
    assert (info.value.key, info.value.params) == ("bot.no_iterations", {"run_id": run_id})
    text = t("en", info.value.key, **info.value.params)
    assert text == f"Run #{run_id} has no iterations to explain (it stopped before its first step)."
    assert "−1" not in t("ja", info.value.key, **info.value.params)


async def test_the_numbers_come_before_the_picture_and_stay_when_it_cannot_be_drawn(
    tutor: Tutor,
) -> None:
    staged = await tutor.solve_numbers(tutor.admit_solve(ALICE))
    assert staged.numbers.image is None and staged.numbers.note == "Drawing the picture…"
    assert "x=1.4142133" in staged.numbers.as_text()
    assert tutor.store.get(staged.numbers.run_id or 0) is not None  # stored before it goes out
    final = await staged.final()
    assert final.image is not None and final.image.filename == f"run-{final.run_id}.png"
    assert final.note == "" and final.as_text() == staged.numbers.as_text()

    tutor.renderer.max_waiting = 0  # every drawing is refused: too many waiting
    staged = await tutor.solve_numbers(tutor.admit_solve(ALICE, lr=0.02))
    final = await staged.final()
    assert final.image is None and final.note.startswith("The picture could not be drawn")
    assert final.as_text() == staged.numbers.as_text()  # the numbers stay as they were
    assert tutor.store.get(final.run_id or 0) is not None
    staged = await tutor.compare_numbers(tutor.admit_compare(ALICE, lrs="0.01 0.1"))
    final = await staged.final()
    assert final.image is None and "0.1" in final.description and final.note


async def test_admitting_a_solve_does_no_symbolic_work_on_the_event_loop(tutor: Tutor) -> None:
    # The event loop only checks the text (tokens, grammar, bounds); sympy runs in the worker.
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    job = tutor.admit_solve(ALICE, equation="sin(x)^2 + 2^x/log(x) = tanh(x) + e^x")
    profiler.disable()
    job.release()
    files = {path for path, _, _ in pstats.Stats(profiler).stats}  # type: ignore[attr-defined]
    assert not [f for f in files if "/sympy/" in f]
    assert [f for f in files if f.endswith("grammar.py")]  # the check did run


async def test_an_equation_only_the_symbolic_form_refuses_is_answered_from_the_worker(
    tutor: Tutor,
) -> None:
    job = tutor.admit_solve(ALICE, equation="x/sin(pi)")  # passes the cheap check
    with pytest.raises(UserError) as info:
        await tutor.run_solve(job)
    assert info.value.key == "bot.bad_equation" and "no value" in str(info.value.params["detail"])
    assert tutor.pool.pending == 0 and tutor.store.count() == 0


async def test_a_diverged_run_reads_in_scientific_notation_with_no_number_cut(
    tutor: Tutor,
) -> None:
    reply = await tutor.run_solve(tutor.admit_solve(ALICE, lr=0.5, steps=40))
    assert reply.run_id is not None
    stored = tutor.store.get(reply.run_id)
    assert stored is not None and stored.run.outcome is Outcome.DIVERGED
    run, text = stored.run, reply.as_text()
    assert abs(run.final_x) > 1e7 and f"x={run.final_x:.7e}" in text
    assert run.iterations[-1].line() in text  # whole, not cut at 120 characters
    assert ".0000000e" not in f"{run.final_x:.7f}" and f"{run.final_x:.7f}" not in text
    assert "lr = 0.5 is above 0.125" in text
