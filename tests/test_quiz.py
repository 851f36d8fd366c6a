"""Issue 14, /quiz without Discord: the questions and their golden numbers, the plain number
parser and its tolerance, level 4's truth against the solver, and the scores on both backends."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import QuizAttempt, RunStore
from bot.storage.postgres import PostgresRunStore
from bot.storage.sqlite import SqliteRunStore
from bot.tutor.quiz_ids import QuizId, decode_quiz
from solver import Settings, explain, solve
from solver.quiz import AnswerError, close_enough, judge, make_question, parse_answer
from solver.quiz.rates import answer_of, candidate_rates

DEFAULT = solve(Settings())


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("-3.82", -3.82),
        ("−3.82", -3.82),  # U+2212, as a keyboard or a copied number gives it
        ("－３．８２", -3.82),  # full width
        ("-3,82", -3.82),  # a decimal comma
        ("1,234.5", 1234.5),  # commas grouping thousands
        (" 4.2e-3 ", 0.0042),
        ("４．２Ｅ－３", 0.0042),
        ("+.5", 0.5),
        ("7.", 7.0),
    ],
)
def test_a_plain_number_is_read_in_every_way_a_student_types_it(typed: str, value: float) -> None:
    assert parse_answer(typed) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1/2", "not_a_number"),
        ("sqrt(2)", "not_a_number"),
        ("__import__('os')", "not_a_number"),
        ("1_000", "not_a_number"),  # float() would take it
        ("١٢", "not_a_number"),  # Arabic-Indic digits: float() would take them too
        ("nan", "not_a_number"),
        ("inf", "not_a_number"),
        ("0x10", "not_a_number"),
        ("1,2,3", "not_a_number"),
        ("1e999", "too_large"),
        ("1" * 41, "too_long"),
    ],
)
def test_anything_but_a_plain_number_is_refused_by_name(typed: str, code: str) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_answer(typed)
    assert refused.value.code == code


def test_the_tolerance_is_half_a_percent_or_a_millionth_near_zero() -> None:
    assert close_enough(1.0049, 1.0) and not close_enough(1.0051, 1.0)
    assert close_enough(-0.9951, -1.0) and not close_enough(0.9951, -1.0)
    assert close_enough(0.0, 9e-7) and not close_enough(0.0, 1.1e-6)
    assert close_enough(1e-7, -8e-7)


def test_level_3_asks_x_next_with_the_articles_numbers_and_judges_within_tolerance() -> None:
    question = make_question(DEFAULT, 3, 1, "en")  # pick 1 asks about step 2
    assert question.k == 2 and question.typed
    assert question.lines == (
        "x_2 = 1.0782053, dL/dx = -3.6118727, lr = 0.01 (SGD)",
        "What is x_3 after this step?",
    )
    assert question.truth == DEFAULT.iterations[3].x and question.truth_text == "1.1143241"
    assert judge(question, "1.1143241").correct and judge(question, "1,1143").correct
    assert judge(question, "1.1088").correct  # 0.49 % below
    assert judge(question, "1.1087").correct is False  # 0.51 % below
    assert judge(question, "1.0782053").correct is False  # x_k typed back is not the answer
    assert question.worked == explain(DEFAULT, 2, "en").sections
    with pytest.raises(AnswerError):
        judge(question, "1.07 + 0.036")


def test_level_2_asks_dl_dx_from_x_and_f_in_both_languages() -> None:
    english, japanese = (make_question(DEFAULT, 2, 1, lang) for lang in ("en", "ja"))
    assert english.lines == (
        "f(x) = x² − 2, x_2 = 1.0782053",
        "With L = f(x)², what is dL/dx at x_2?",
    )
    assert japanese.lines[1] == "L = f(x)² のとき、x_2 での dL/dx はいくつですか？"
    for question in (english, japanese):
        assert question.truth == DEFAULT.iterations[2].grad and question.truth_text == "-3.6118727"
        assert judge(question, "-3.61").correct and not judge(question, "3.6118727").correct


def test_level_1_asks_a_sign_or_a_direction_answered_by_choices() -> None:
    questions = [make_question(DEFAULT, 1, pick, "en") for pick in range(40)]
    kinds = {tuple(c.value for c in q.choices) for q in questions}
    assert kinds == {("positive", "negative", "zero"), ("right", "left", "stays")}
    for question in questions:
        it, new = DEFAULT.iterations[question.k], DEFAULT.next_x(question.k)
        # On x² − 2 from 1, dL/dx < 0 and x grows at every step.
        assert question.truth == (
            "negative" if question.choices[0].value == "positive" else "right"
        )
        assert it.grad < 0 and new > it.x
        assert judge(question, str(question.truth)).correct
        wrong = next(c.value for c in question.choices if c.value != question.truth)
        assert not judge(question, wrong).correct
    with pytest.raises(AnswerError):
        judge(questions[0], "sideways")


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_level_4_calls_right_what_the_solver_then_does(optimizer: str) -> None:
    run = solve(Settings(optimizer=optimizer))
    seen = set()
    for pick in range(6):
        question = make_question(run, 4, pick, "en")
        assert question.lr in candidate_rates(run.settings)
        shown = f"lr = {question.lr:g}, 100 steps"
        assert shown in question.lines[0]
        # The truth is the outcome of exactly the settings shown, solved on their own.
        alone = solve(Settings(optimizer=optimizer, lr=question.lr))
        assert answer_of(alone) == question.truth
        seen.add(question.truth)
    if optimizer == "sgd":  # around 2 / L'' = 0.125 all three answers occur
        assert seen == {"converge", "bounce", "diverge"}


def test_level_4_on_sgd_at_0_14_bounces_with_the_bound_in_its_worked_step() -> None:
    question = make_question(DEFAULT, 4, 0, "en")
    assert question.lr == 0.14 and question.truth == "bounce"
    assert question.lines[0] == "f(x) = x² − 2, x0 = 1, lr = 0.14, 100 steps, SGD, float32"
    (worked,) = question.worked
    assert worked.lines[0] == "The solver ran it: still moving."
    assert "above 0.125" in worked.lines[1]


def test_a_run_with_no_step_has_no_question() -> None:
    diverged = solve(Settings(x0=1e30, lr=1.0, precision="float64"))
    assert len(diverged.iterations) <= 1
    with pytest.raises(ValueError):
        make_question(diverged, 3, 1)
    with pytest.raises(ValueError):
        make_question(DEFAULT, 5, 1)


def test_quiz_ids_round_trip_within_discords_100_characters() -> None:
    longest = QuizId("pick", 4, 2**63 - 1, 10**20 - 1, "converge")
    for quiz in (QuizId("open", 2, 7, 123), longest, longest.as_kind("modal")):
        assert decode_quiz(quiz.encode()) == quiz and len(quiz.encode()) <= 100
    for foreign in ("gq:pick:1:2:3", "gq:open:5:1:2", "gq:open:1:2:3:left", "gd:csv:1"):
        assert decode_quiz(foreign) is None


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunStore]:
    if request.param == "sqlite":
        opened: RunStore = SqliteRunStore(tmp_path / "runs.sqlite3", 50)
    else:
        opened = PostgresRunStore(request.getfixturevalue("postgres_url"), 50)
    yield opened
    opened.close()


def answer(store: RunStore, question: int, user: int, right: bool, **kw: object) -> object:
    fields: dict[str, object] = {"guild_id": 50, "display_name": f"user{user}", "level": 3}
    fields.update(kw)
    return store.record_quiz_answer(QuizAttempt(question, user, correct=right, **fields))  # type: ignore[arg-type]


def test_scores_streaks_and_the_board_on_both_backends(store: RunStore) -> None:
    assert store.quiz_score(1, 50) is None and store.quiz_board(50) == []
    first = answer(store, 100, 1, True)
    assert first.counted and (first.score.score, first.score.streak) == (3, 1)  # type: ignore[attr-defined]
    again = answer(store, 100, 1, False)  # the same question: only the first answer counts
    assert not again.counted and again.score == first.score  # type: ignore[attr-defined]
    answer(store, 101, 1, True, level=2)
    answer(store, 102, 1, False)
    answer(store, 103, 1, True, level=4, display_name="Ann <@1> *new*")
    mine = store.quiz_score(1, 50)
    assert mine is not None
    assert (mine.score, mine.right, mine.attempts, mine.streak, mine.best_streak) == (9, 3, 4, 1, 2)
    assert mine.display_name == "Ann <@1> *new*"  # the latest name the server showed
    for user in range(2, 14):  # 12 more students, user n scoring n points
        answer(store, 200 + user, user, True, level=1)
        for extra in range(user - 1):
            answer(store, 1000 * user + extra, user, True, level=1)
    board = store.quiz_board(50)
    assert [s.user_id for s in board] == [13, 12, 11, 10, 1, 9, 8, 7, 6, 5]
    assert [s.score for s in board] == [13, 12, 11, 10, 9, 9, 8, 7, 6, 5]
    # Elsewhere (another server, a DM) the same user starts afresh.
    assert store.quiz_board(51) == [] and store.quiz_score(1, None) is None
    answer(store, 100, 1, True, guild_id=None)  # the question is keyed, not the place
    assert store.quiz_score(1, None) is None


def test_a_tie_goes_to_who_got_there_first(store: RunStore) -> None:
    answer(store, 1, 7, True)
    answer(store, 2, 3, True)
    assert [s.user_id for s in store.quiz_board(50)] == [7, 3]
    assert math.isfinite(store.quiz_board(50)[0].score)
