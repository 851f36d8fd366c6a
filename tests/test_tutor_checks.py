"""The Tutor's checks before deferring: the solver's own setting checks, the config's step bound."""

import dataclasses
import math

import pytest

from bot.config import Config, SolverConfig
from bot.storage import RunStore
from bot.tutor.caller import Caller
from bot.tutor.errors import UserError
from bot.tutor.service import Tutor
from bot.work_pool import Cooldown, WorkPool
from solver import MAX_STEPS


@pytest.fixture
def tutor(tmp_path):
    # An admin may set max_steps above what the solver runs: the bound is the smaller one.
    config = dataclasses.replace(Config(), solver=SolverConfig(max_steps=MAX_STEPS * 5))
    pool = WorkPool(1, 1)
    yield Tutor(config, RunStore(tmp_path / "runs.sqlite3", 5), pool, Cooldown(0))
    pool.shutdown()


@pytest.mark.parametrize(
    ("options", "key", "text"),
    [
        ({"steps": MAX_STEPS + 1}, "steps_too_many", None),
        ({"x0": math.nan}, "bad_setting", "x0 must be a finite number."),
        ({"lr": 0.0}, "bad_setting", "lr must be a positive number."),
        ({"optimizer": "rmsprop"}, "bad_setting", "choose an optimizer"),
        ({"precision": "float16"}, "bad_setting", "choose an optimizer"),
    ],
)
def test_solve_is_refused_before_any_worker_sees_it(tutor, options, key, text):
    with pytest.raises(UserError) as info:
        tutor.check_solve(Caller(1, 1), **options)
    assert info.value.key == key
    if text is None:
        assert info.value.params == {"max": MAX_STEPS}
    else:
        assert info.value.params["detail"].startswith(text)
    assert tutor.pool.pending == 0


def test_compare_refuses_an_infinite_x0_in_japanese(tutor):
    with pytest.raises(UserError) as info:
        tutor.check_compare(Caller(1, 1, locale="ja"), lrs="0.1 0.2", x0=math.inf)
    assert info.value.params["detail"] == "x0 は有限の数にしてください。"
