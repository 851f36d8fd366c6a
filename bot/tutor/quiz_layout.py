"""Quiz questions, verdicts and scores laid out as Replies, in the caller's language."""

from __future__ import annotations

from solver.quiz import Question, Verdict
from solver.words import t

from ..reply import Button, Field, Reply
from ..storage import QuizScore, Recorded
from ..text import clip, user_text
from .quiz_ids import QuizId

FIELD_LIMIT = 1024
RIGHT, WRONG = 0x57F287, 0xED4245


def question_reply(question: Question, quiz: QuizId, lang: str) -> Reply:
    """The question, its source, and the Answer button (levels 2–3) or one button per choice."""
    level, run_id = question.level, quiz.run_id
    if level == 4:
        source = (
            t(lang, "quiz.rate_from_run", run_id=run_id)
            if run_id
            else t(lang, "quiz.rate_from_default")
        )
    else:
        source = t(lang, "quiz.from_run", run_id=run_id) if run_id else t(lang, "quiz.from_default")
    if question.typed:
        label = t(lang, "quiz.answer_button")
        how = t(lang, "quiz.how_typed", button=label)
        buttons = [Button(label, quiz.as_kind("open").encode(), style="primary")]
    else:
        how = t(lang, "quiz.how_buttons")
        buttons = [
            Button(
                choice.label, QuizId("pick", level, run_id, quiz.question_id, choice.value).encode()
            )
            for choice in question.choices
        ]
    return Reply(
        title=clip(question.title, 256),
        description=f"{source}\n\n{question.prompt()}\n\n{how}",
        buttons=[buttons],
        ephemeral=True,
    )


def score_text(score: QuizScore, lang: str) -> str:
    """Score, streak, best streak and right answers on one line."""
    return t(
        lang,
        "quiz.score_line",
        score=score.score,
        streak=score.streak,
        best=score.best_streak,
        right=score.right,
        attempts=score.attempts,
    )


def verdict_reply(question: Question, verdict: Verdict, recorded: Recorded, lang: str) -> Reply:
    """Right or wrong, the answer given and the correct value, the worked step and the score."""
    fields = [
        Field(t(lang, "quiz.your_answer"), f"`{user_text(clip(verdict.given, 60))}`", inline=True),
        Field(t(lang, "quiz.correct_value"), f"`{question.truth_text}`", inline=True),
    ]
    for i, section in enumerate(question.worked):
        name = f"{t(lang, 'quiz.worked')} · {section.heading}" if i == 0 else section.heading
        fields.append(Field(clip(name, 256), clip("\n".join(section.lines), FIELD_LIMIT)))
    footer = score_text(recorded.score, lang)
    if not recorded.counted:
        footer = f"{t(lang, 'quiz.already')}\n{footer}"
    return Reply(
        title=t(lang, "quiz.right" if verdict.correct else "quiz.wrong"),
        description=question.prompt(),
        fields=fields,
        footer=footer,
        color=RIGHT if verdict.correct else WRONG,
        ephemeral=True,
    )


def stats_reply(mine: QuizScore | None, board: list[QuizScore] | None, lang: str) -> Reply:
    """One's own score and, in a server, its top 10 by display name."""
    fields = [
        Field(t(lang, "quiz.yours"), score_text(mine, lang) if mine else t(lang, "quiz.no_score"))
    ]
    if board is not None:
        lines = [
            t(
                lang,
                "quiz.board_line",
                rank=rank,
                name=user_text(clip(s.display_name, 40)),
                score=s.score,
                streak=s.streak,
            )
            for rank, s in enumerate(board, start=1)
        ]
        value = "\n".join(lines) if lines else t(lang, "quiz.board_empty")
        fields.append(Field(t(lang, "quiz.board"), clip(value, FIELD_LIMIT)))
    return Reply(title=t(lang, "quiz.stats_title"), fields=fields)
