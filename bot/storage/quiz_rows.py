"""The quiz's queries, written once for both backends (`?` placeholders, see rows.pg)."""

from __future__ import annotations

from typing import Any

from .quiz import QuizAttempt, QuizScore

RECORD = (
    "INSERT INTO quiz_attempts (question_id, user_id, guild_id, level, correct, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (question_id, user_id) DO NOTHING"
)
# A right answer adds its level to the score and extends the streak; a wrong one ends it.
SCORE = """
    INSERT INTO quiz_scores (user_id, guild_id, display_name, score, right_answers, attempts,
                             streak, best_streak, updated_at)
    VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)
    ON CONFLICT (user_id, guild_id) DO UPDATE SET
        display_name = excluded.display_name,
        score = quiz_scores.score + excluded.score,
        right_answers = quiz_scores.right_answers + excluded.right_answers,
        attempts = quiz_scores.attempts + 1,
        streak = CASE WHEN excluded.right_answers = 1 THEN quiz_scores.streak + 1 ELSE 0 END,
        best_streak = CASE
            WHEN excluded.right_answers = 1 AND quiz_scores.streak + 1 > quiz_scores.best_streak
            THEN quiz_scores.streak + 1 ELSE quiz_scores.best_streak END,
        updated_at = excluded.updated_at
    """
_COLUMNS = "user_id, display_name, score, right_answers, attempts, streak, best_streak"
GET = f"SELECT {_COLUMNS} FROM quiz_scores WHERE user_id = ? AND guild_id = ?"
# Ties go to who got there first, then to the lower id, so the board never reshuffles.
BOARD = (
    f"SELECT {_COLUMNS} FROM quiz_scores WHERE guild_id = ?"
    " ORDER BY score DESC, updated_at, user_id LIMIT ?"
)


def guild_key(guild_id: int | None) -> int:
    """The score's server: 0 for a DM or the console (a NULL would never be equal to itself)."""
    return guild_id or 0


def record_args(attempt: QuizAttempt, now: float) -> tuple[object, ...]:
    """RECORD's values."""
    a = attempt
    return (a.question_id, a.user_id, guild_key(a.guild_id), a.level, int(a.correct), now)


def score_args(attempt: QuizAttempt, now: float) -> tuple[object, ...]:
    """SCORE's values: this one answer as a first row (the update adds it to an existing one)."""
    right = int(attempt.correct)
    points = attempt.level if attempt.correct else 0
    who = (attempt.user_id, guild_key(attempt.guild_id), attempt.display_name)
    return (*who, points, right, right, right, now)


def score(row: tuple[Any, ...]) -> QuizScore:
    """A QuizScore from a row of GET or BOARD."""
    user_id, name, points, right, attempts, streak, best = row
    return QuizScore(
        int(user_id), str(name), int(points), int(right), int(attempts), int(streak), int(best)
    )
