"""The quiz's records: one answered question, and a user's score in one server."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QuizAttempt:
    """The first answer of `user_id` to question `question_id` (the id of the /quiz that asked)."""

    question_id: int
    user_id: int
    guild_id: int | None
    display_name: str
    level: int
    correct: bool


@dataclass(frozen=True)
class QuizScore:
    """A user's quiz record in one server: points (the levels answered right), answers, streaks."""

    user_id: int
    display_name: str
    score: int
    right: int
    attempts: int
    streak: int
    best_streak: int


@dataclass(frozen=True)
class Recorded:
    """What recording an answer did: `counted` is False for a question answered before."""

    counted: bool
    score: QuizScore
