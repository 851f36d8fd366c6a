"""The Tutor's checks before deferring: the Settings' own checks, the config's step bound, and
the reservation a command takes (or, refused, does not take) in the work pool."""

import dataclasses
import math

import pytest

from bot.config import Config, SolverConfig
from bot.storage.sqlite import SqliteRunStore
from bot.tutor.caller import Caller
from bot.tutor.errors import UserError
from bot.tutor.tutor import Tutor
from bot.work_pool import WorkPool
from solver import MAX_STEPS


def make_tutor(tmp_path, max_steps):
    config = dataclasses.replace(Config(), solver=SolverConfig(max_steps=max_steps))
    return Tutor(config, SqliteRunStore(tmp_path / "runs.sqlite3", 5), WorkPool(1, 1))


@pytest.fixture
def tutor(tmp_path):
    built = make_tutor(tmp_path, 500)
    yield built
    built.pool.shutdown()
    built.store.close()


@pytest.mark.parametrize(
    ("options", "key", "text"),
    [
        ({"steps": 501}, "bot.steps_too_many", None),
        ({"steps": 0}, "bot.steps_too_many", None),
        ({"x0": math.nan}, "bot.bad_setting", "x0 must be a finite number."),
        ({"lr": 0.0}, "bot.bad_setting", "lr must be a positive number."),
        ({"optimizer": "rmsprop"}, "bot.bad_setting", "choose an optimizer"),
        ({"precision": "float16"}, "bot.bad_setting", "choose an optimizer"),
        ({"equation": "y + 1"}, "bot.bad_equation", "unknown name"),
    ],
)
def test_a_refused_solve_reserves_nothing_and_an_admitted_one_holds_a_slot(
    tutor, options, key, text
):
    with pytest.raises(UserError) as info:
        tutor.admit_solve(Caller(1, 1), **options)
    assert info.value.key == key
    if text is None:
        assert info.value.params == {"max": 500}
    else:
        assert info.value.params["detail"].startswith(text)
    assert (tutor.pool.reserved, tutor.pool.pending) == (0, 0)
    job = tutor.admit_solve(Caller(1, 1))
    assert (tutor.pool.reserved, tutor.pool.pending) == (1, 1)
    job.release()
    assert (tutor.pool.reserved, tutor.pool.pending) == (0, 0)


def test_a_config_above_the_solvers_bound_is_held_to_the_solvers(tmp_path):
    # The config loader refuses such a file; a Config built in code still cannot pass it.
    tutor = make_tutor(tmp_path, MAX_STEPS * 5)
    try:
        with pytest.raises(UserError) as info:
            tutor.admit_solve(Caller(1, 1), steps=MAX_STEPS + 1)
        assert (info.value.key, info.value.params) == ("bot.steps_too_many", {"max": MAX_STEPS})
        assert tutor.pool.pending == 0
    finally:
        tutor.pool.shutdown()
        tutor.store.close()


def test_compare_refuses_an_infinite_x0_in_japanese(tutor):
    with pytest.raises(UserError) as info:
        tutor.admit_compare(Caller(1, 1, locale="ja"), lrs="0.1 0.2", x0=math.inf)
    assert info.value.params["detail"] == "初期値は有限の数にしてください。"
    assert tutor.pool.pending == 0
