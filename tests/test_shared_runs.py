"""Identical /solve requests share one computation; the cache never serves a different run."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.tutor.solve as solve_feature
from bot.config import Config, LimitsConfig, SolverConfig, StorageConfig
from bot.runtime import build_tutor, close_tutor
from bot.tutor.caller import Caller
from bot.tutor.errors import UserError
from bot.tutor.shared_runs import SharedRun, SharedRuns, run_key
from bot.tutor.tutor import Tutor
from solver import Settings, check_equation, solve


def make_tutor(tmp_path: Path, **solver: float) -> Tutor:
    config = Config(
        solver=SolverConfig(**solver),  # type: ignore[arg-type]
        limits=LimitsConfig(workers=1, queue=1, render_processes=0, cooldown_seconds=0),
        storage=StorageConfig(path=tmp_path / "runs.sqlite3"),
    )
    return build_tutor(config)


@pytest.fixture
def tutor(tmp_path: Path) -> Iterator[Tutor]:
    built = make_tutor(tmp_path)
    yield built
    close_tutor(built)


@pytest.fixture
def solves(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """Every computation the tutor starts, by its settings (the real solve still runs)."""
    seen: list[Settings] = []

    def counted(settings: Settings, **kwargs: object):  # type: ignore[no-untyped-def]
        seen.append(settings)
        return solve(settings, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_feature, "solve", counted)
    return seen


def user(n: int) -> Caller:
    return Caller(user_id=n, channel_id=5)


# Pairs that print alike (or nearly) but are different runs.
DIFFERENT = [
    ({"equation": "1e-17+x"}, {"equation": "x"}),
    ({"x0": 0.0, "equation": "sqrt(abs(x)) - 1"}, {"x0": -0.0, "equation": "sqrt(abs(x)) - 1"}),
    ({"lr": 0.1}, {"lr": math.nextafter(0.1, 1.0)}),
    ({"x0": 1.0000001}, {"x0": 1.00000011}),
    ({"equation": "x^2 - 2"}, {"equation": "x^2 - 2.0"}),  # the same f, a different title
    ({"precision": "float32"}, {"precision": "float64"}),
    ({"optimizer": "sgd"}, {"optimizer": "momentum"}),
    ({"steps": 100}, {"steps": 101}),
]


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_settings_that_print_alike_have_different_keys(first: dict, second: dict) -> None:
    a, b = Settings(**first), Settings(**second)
    assert run_key(a, check_equation(a.equation), "en") != run_key(
        b, check_equation(b.equation), "en"
    )


def test_the_same_problem_typed_differently_shares_a_key_but_not_across_languages() -> None:
    keys = {
        run_key(Settings(equation=text), check_equation(text), "en")
        for text in ("x**2 - 2", "x^2-2", " x ^ 2  -  2 ")
    }
    assert len(keys) == 1
    # The key is known on the event loop, without sympy: the typed form (x² = 2) keys apart.
    assert run_key(Settings(equation="x^2 = 2"), check_equation("x^2 = 2"), "en") not in keys
    default = Settings()
    assert run_key(default, check_equation(default.equation), "ja") not in keys


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
async def test_the_cache_never_serves_a_different_run(
    tutor: Tutor, solves: list[Settings], first: dict, second: dict
) -> None:
    for n, options in enumerate((first, second, first, second)):
        reply = await tutor.run_solve(tutor.admit_solve(user(n), **options))
        stored = tutor.store.get(reply.run_id or 0)
        assert stored is not None and stored.user_id == n
        expected = solve(Settings(**options))
        assert stored.run.settings == Settings(**options)  # the user's own, as typed
        assert stored.run.lines() == expected.lines()
        # repr tells -0.0 from 0.0 and compares nan equal to nan
        assert repr((stored.run.iterations, stored.run.final_x)) == repr(
            (expected.iterations, expected.final_x)
        )
    assert len(solves) == 2  # the repeats came from the cache


async def test_a_class_asking_the_same_at_once_gets_one_computation_and_a_run_each(
    tutor: Tutor, solves: list[Settings]
) -> None:
    texts = ["x**2 - 2", "x^2-2", " x ^ 2  -  2 "]
    # The pool holds 2 jobs (1 worker, queue 1): 30 identical requests join one computation.
    jobs = [tutor.admit_solve(user(n), equation=texts[n % 3]) for n in range(30)]
    assert tutor.pool.pending == 1
    replies = await asyncio.gather(*(tutor.run_solve(job) for job in jobs))
    assert len(solves) == 1
    ids = [r.run_id for r in replies]
    assert len(set(ids)) == 30
    for n, reply in enumerate(replies):
        stored = tutor.store.get(reply.run_id or 0)
        assert stored is not None and stored.user_id == n
        assert stored.run.settings.equation == texts[n % 3]
        assert reply.image is not None and reply.image.filename == f"run-{reply.run_id}.png"
        assert reply.buttons[0][0].custom_id == f"gd:explain:{reply.run_id}"
    assert len({r.image.data for r in replies if r.image}) == 1  # one picture, drawn once
    assert tutor.pool.pending == 0


async def test_joining_still_spends_the_cooldown(tmp_path: Path) -> None:
    config = Config(
        limits=LimitsConfig(workers=1, queue=1, render_processes=0, cooldown_seconds=60),
        storage=StorageConfig(path=tmp_path / "runs.sqlite3"),
    )
    tutor = build_tutor(config)
    try:
        await tutor.run_solve(tutor.admit_solve(user(1)))
        await tutor.run_solve(tutor.admit_solve(user(2)))  # a cache hit
        with pytest.raises(UserError) as info:
            tutor.admit_solve(user(2))
        assert info.value.key == "bot.cooldown"
    finally:
        close_tutor(tutor)


async def test_a_failed_computation_is_not_kept(
    tutor: Tutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def fails_once(settings: Settings, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("torch exploded")
        return solve(settings, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_feature, "solve", fails_once)
    first, second = tutor.admit_solve(user(1)), tutor.admit_solve(user(2))
    outcomes = await asyncio.gather(
        tutor.run_solve(first), tutor.run_solve(second), return_exceptions=True
    )
    # Not transient (retrying the same bug fails again): no "try again" in the answer.
    assert all(isinstance(o, UserError) and o.key == "bot.run_failed" for o in outcomes)
    reply = await tutor.run_solve(tutor.admit_solve(user(3)))
    assert len(calls) == 2 and reply.image is not None


async def test_a_run_that_timed_out_is_not_cached(tmp_path: Path, solves: list[Settings]) -> None:
    tutor = make_tutor(tmp_path, max_steps=100_000, max_seconds=0.1)
    try:
        for n in range(2):
            reply = await tutor.run_solve(tutor.admit_solve(user(n), steps=100_000))
            assert "timed out" in reply.as_text()
        assert len(solves) == 2
    finally:
        close_tutor(tutor)


async def test_a_job_given_back_before_it_ran_leaves_its_slot_to_who_joined_or_frees_it(
    tutor: Tutor,
) -> None:
    job = tutor.admit_solve(user(1))
    joined = tutor.admit_solve(user(2))
    assert tutor.pool.pending == 1 and joined.shared is job.shared
    job.release()  # its interaction failed: the one who joined still runs in that slot
    assert tutor.pool.pending == 1
    reply = await tutor.run_solve(joined)
    assert reply.image is not None and len(tutor.shared) == 1 and tutor.pool.pending == 0
    lone = tutor.admit_solve(user(3), lr=0.5)
    assert tutor.pool.pending == 1
    lone.release()  # nobody else waits for it: the slot and the entry go
    assert tutor.pool.pending == 0 and len(tutor.shared) == 1


async def test_the_cache_is_bounded_by_runs_and_by_iterations(tutor: Tutor) -> None:
    tutor.shared = SharedRuns(capacity=2, max_iterations=250)
    for lr in (0.01, 0.02, 0.03):
        await tutor.run_solve(tutor.admit_solve(user(1), lr=lr))
    assert len(tutor.shared) == 2
    await tutor.run_solve(tutor.admit_solve(user(1), steps=200))
    assert len(tutor.shared) == 1  # 200 + 100 iterations would pass 250
    assert isinstance(next(iter(tutor.shared._entries.values())), SharedRun)
