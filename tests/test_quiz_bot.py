"""Issue 14, /quiz end to end: the production bot against the Discord stand-in through the real
discord.py client (each level in both languages, the modal opened by callback type 9 and
submitted as interaction type 5, right and wrong answers judged with golden numbers, the
scores and the server's board), and the console's /quiz."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from bot_fixtures import LiveBot
from bot_harness import button, button_labels, embed_text, mentions_disabled_everywhere, wait_answer
from discord_standin import Message, StandIn, modal_rules

from bot.config import Config, LimitsConfig, StorageConfig
from bot.console import Console, console_user
from bot.discord_app.quiz import answer_modal
from bot.runtime import build_tutor, close_tutor
from bot.tutor.quiz_ids import QuizId, decode_quiz
from solver import Settings, solve
from solver.quiz import Question, make_question
from solver.words import t

DEFAULT = solve(Settings())
MODAL, MODAL_SUBMIT, DEFERRED = 9, 5, 5
LOCALE = {"en": "en-US", "ja": "ja"}


async def ask(standin: StandIn, level: int, **kw: Any) -> tuple[Message, int]:
    """/quiz level:N; the private question and the id of the interaction that asked it."""
    handle = await standin.invoke_command("quiz", {"level": level}, **kw)
    assert (await handle.wait_callback()).type == DEFERRED
    message = await wait_answer(handle)
    assert message.ephemeral
    return message, int(handle.id)


async def type_answer(standin: StandIn, question: Message, typed: str, lang: str = "en") -> Message:
    """Press Answer, see the modal (callback type 9), type and submit it (interaction type 5)."""
    opened = await standin.click(
        question, button(question, t(lang, "quiz.answer_button"))["custom_id"], locale=LOCALE[lang]
    )
    modal = await opened.wait_callback()
    assert modal.type == MODAL
    quiz = decode_quiz(modal.data["custom_id"])
    assert quiz is not None and quiz.kind == "modal"
    assert modal.data["title"] == t(lang, "quiz.modal_title", level=quiz.level)
    submitted = await standin.submit_modal(opened, {"answer": typed})
    assert submitted.type == MODAL_SUBMIT
    verdict = await wait_answer(submitted)
    assert verdict.ephemeral
    return verdict


async def pick(standin: StandIn, question: Message, label: str, lang: str = "en") -> Message:
    """Click the choice labelled `label`; the private verdict."""
    handle = await standin.click(
        question, button(question, label)["custom_id"], locale=LOCALE[lang]
    )
    verdict = await wait_answer(handle)
    assert verdict.ephemeral
    return verdict


def shows_question(message: Message, question: Question) -> None:
    text = embed_text(message)
    assert question.title in text
    for line in question.lines:
        assert line in text


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("level", [2, 3])
async def test_typed_levels_open_a_modal_and_judge_the_number(
    shared_bot: LiveBot, level: int, lang: str
) -> None:
    standin = shared_bot.standin
    locale = "en-US" if lang == "en" else "ja"
    message, question_id = await ask(standin, level, locale=locale)
    # No run of this user here yet: a step of the default problem, picked by the question's id.
    question = make_question(DEFAULT, level, question_id, lang)
    shows_question(message, question)
    assert t(lang, "quiz.from_default") in embed_text(message)
    assert question.truth_text not in embed_text(message).replace(question.lines[0], "")
    assert button_labels(message) == [t(lang, "quiz.answer_button")]

    right = await type_answer(standin, message, question.truth_text.replace("-", "−"), lang)
    text = embed_text(right)
    assert right.embeds[0]["title"] == t(lang, "quiz.right")
    assert f"`{question.truth_text}`" in text
    for section in question.worked:  # the /explain text of that step
        assert "\n".join(section.lines) in text
    assert t(lang, "quiz.score_line", score=level, streak=1, best=1, right=1, attempts=1) in text

    # The same question again: judged, but counted once.
    wrong = await type_answer(standin, message, str(question.truth * 1.02), lang)
    assert wrong.embeds[0]["title"] == t(lang, "quiz.wrong")
    assert t(lang, "quiz.already") in embed_text(wrong)
    standin.assert_no_violations()
    mentions_disabled_everywhere(standin)


async def test_a_typed_formula_is_refused_and_the_question_stays_answerable(
    shared_bot: LiveBot,
) -> None:
    standin = shared_bot.standin
    message, question_id = await ask(standin, 3)
    refusal = await type_answer(standin, message, "1.2 + 0.03")
    assert embed_text(refusal).strip().startswith("That is not a plain number.")
    question = make_question(DEFAULT, 3, question_id)
    right = await type_answer(standin, message, question.truth_text)
    assert right.embeds[0]["title"] == "Right!"
    standin.assert_no_violations()


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_level_1_is_answered_with_buttons_on_the_users_latest_run(
    shared_bot: LiveBot, lang: str
) -> None:
    standin = shared_bot.standin
    locale = "en-US" if lang == "en" else "ja"
    solved = await wait_answer(
        await standin.invoke_command("solve", {"x0": 3, "lr": 0.01}, locale=locale)
    )
    run_id = int(embed_text(solved).split("#")[1].split()[0])
    run = solve(Settings(x0=3.0, lr=0.01))
    message, question_id = await ask(standin, 1, locale=locale)
    question = make_question(run, 1, question_id, lang)
    shows_question(message, question)
    assert t(lang, "quiz.from_run", run_id=run_id) in embed_text(message)
    assert button_labels(message) == [c.label for c in question.choices]
    # From x0 = 3, f > 0 and f' > 0: dL/dx > 0 and x shrinks.
    assert question.truth in ("positive", "left")
    wrong_label = next(c.label for c in question.choices if c.value != question.truth)
    wrong = await pick(standin, message, wrong_label, lang)
    assert wrong.embeds[0]["title"] == t(lang, "quiz.wrong")
    assert f"`{question.truth_text}`" in embed_text(wrong)
    standin.assert_no_violations()


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_level_4_calls_right_the_button_whose_outcome_the_solver_then_gives(
    shared_bot: LiveBot, lang: str
) -> None:
    standin = shared_bot.standin
    locale = "en-US" if lang == "en" else "ja"
    message, question_id = await ask(standin, 4, locale=locale)
    question = make_question(DEFAULT, 4, question_id, lang)
    shows_question(message, question)
    verdict = await pick(standin, message, question.truth_text, lang)
    assert verdict.embeds[0]["title"] == t(lang, "quiz.right")
    # What the bot called right is what the solver does with the numbers it showed.
    outcome = solve(Settings(lr=question.lr or 0.0)).outcome
    expected = {"converge": "converged", "diverge": "diverged", "bounce": "still moving"}
    assert outcome.value == expected[str(question.truth)]
    assert t(lang, "quiz.rate_outcome", outcome=t(lang, f"outcome.{outcome.name.lower()}")) in (
        embed_text(verdict)
    )
    standin.assert_no_violations()


async def test_stats_show_ones_score_and_the_boards_display_names_without_mentions(
    own_bot: LiveBot,
) -> None:
    standin = own_bot.standin  # a server of its own: the board holds only these students
    students = [standin.make_user(name) for name in ("@everyone", "ada_*lovelace*", "carl")]
    for n, student in enumerate(students):
        standin.user = student
        for _ in range(n + 1):  # @everyone answers 1 right, ada 2, carl 3
            message, question_id = await ask(standin, 4)
            question = make_question(DEFAULT, 4, question_id)
            await pick(standin, message, question.truth_text)
    handle = await standin.invoke_command("quiz", {"stats": True})
    board = await wait_answer(handle)
    assert not board.ephemeral
    text = embed_text(board)
    assert "Your score\nScore 12 · streak 3 (best 3) · 3 of 3 right" in text
    lines = text.split("Top 10 of this server\n")[1].splitlines()
    carl, ada, everyone = lines[:3]
    assert carl == "1. Carl: 12 points · streak 3"
    assert ada == "2. Ada\\_\\*Lovelace\\*: 8 points · streak 2"
    assert everyone == "3. \\@Everyone: 4 points · streak 1"
    mentions_disabled_everywhere(standin)
    standin.assert_no_violations()

    standin.user = standin.make_user("newcomer")
    handle = await standin.invoke_command("quiz", {"stats": True}, locale="ja")
    text = embed_text(await wait_answer(handle))
    assert t("ja", "quiz.no_score") in text and "1. Carl：12 点 · 連続正解 3" in text


async def test_help_lists_quiz_in_both_languages(shared_bot: LiveBot) -> None:
    for locale, line in (("en-US", "`/quiz level:1` to `4`"), ("ja", "`/クイズ レベル:1`〜`4`")):
        help_message = await wait_answer(
            await shared_bot.standin.invoke_command("help", locale=locale)
        )
        assert line in embed_text(help_message)


async def test_the_command_is_synced_with_its_options_localized(shared_bot: LiveBot) -> None:
    quiz = shared_bot.standin.command("quiz")
    options = {o["name"]: o for o in quiz["options"]}
    assert options["level"]["min_value"] == 1 and options["level"]["max_value"] == 4
    assert options["level"]["name_localizations"]["ja"] == "レベル"
    assert options["stats"]["type"] == 5  # boolean
    assert quiz["name_localizations"]["ja"] == "クイズ"


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_console_quiz_reads_the_next_line_as_the_answer(tmp_path: Path, lang: str) -> None:
    # As run_console makes it: one person at a terminal has no cooldown.
    storage = StorageConfig(path=tmp_path / "runs.sqlite3")
    config = Config(storage=storage, limits=LimitsConfig(cooldown_seconds=0.0))
    tutor = build_tutor(config)
    out = io.StringIO()
    console = Console(tutor, out, tmp_path / "images", console_user(lang))
    try:
        await console.handle("/quiz level:3")
        asked = out.getvalue()
        assert t(lang, "quiz.console_typed") in asked
        question_line = next(line for line in asked.splitlines() if line.startswith("x_"))
        k = int(question_line.split(" ")[0][2:])
        truth = DEFAULT.next_x(k)
        await console.handle("not a number")  # refused; the question stays open
        assert t(lang, "quiz.answer_not_a_number") in out.getvalue()
        await console.handle(f"{truth:.6f}")
        answered = out.getvalue()[len(asked) :]
        assert t(lang, "quiz.right") in answered and f"x_{k + 1} = {truth:.7f}" in answered
        await console.handle("/quiz level:1")
        before = len(out.getvalue())
        await console.handle("9")  # no such choice
        assert t(lang, "quiz.answer_unknown_choice") in out.getvalue()[before:]
        await console.handle("/quiz stats:true")
        assert t(lang, "quiz.score_line", score=3, streak=1, best=1, right=1, attempts=1) in (
            out.getvalue()
        )
    finally:
        close_tutor(tutor)


async def test_a_modal_opened_before_a_restart_is_judged_after_it(own_bot: LiveBot) -> None:
    standin = own_bot.standin
    message, question_id = await ask(standin, 2)
    opened = await standin.click(message, button(message, "Answer")["custom_id"])
    assert (await opened.wait_callback()).type == MODAL
    await own_bot.restart()  # the bot keeps nothing of the open question or its modal
    question = make_question(DEFAULT, 2, question_id)
    submitted = await standin.submit_modal(opened, {"answer": question.truth_text})
    verdict = await wait_answer(submitted)
    assert verdict.ephemeral and verdict.embeds[0]["title"] == "Right!"
    standin.assert_no_violations()


def test_the_stand_in_holds_a_modal_to_discords_rules() -> None:
    quiz = QuizId("modal", 3, 12, 345)
    for lang in ("en", "ja"):
        assert modal_rules.modal_errors(answer_modal(quiz, lang).to_dict()) == {}
    good = answer_modal(quiz, "en").to_dict()
    long_title = {**good, "title": "x" * 46}
    assert "title" in modal_rules.modal_errors(long_title)["data"]
    assert "components" in modal_rules.modal_errors({**good, "components": []})["data"]
    (row,) = good["components"]
    box = dict(row["components"][0], label="y" * 46, max_length=5000)
    broken = modal_rules.modal_errors({**good, "components": [{**row, "components": [box]}]})
    assert set(broken["data"]["components"]["0"]["components"]["0"]) == {"label", "max_length"}
    (item,) = modal_rules.text_inputs(good)
    assert modal_rules.value_problem(item, "") == "'answer' is required"
    assert "takes 0 to 40" in str(modal_rules.value_problem(item, "1" * 41))
    assert modal_rules.value_problem(item, "-3.82") is None
