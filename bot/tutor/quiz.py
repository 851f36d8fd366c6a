"""/quiz: ask a question on a step of the caller's latest run (or of the default problem),
judge the answer, count it once in the caller's score, and show the scores.

The question is made again from its QuizId when the answer comes, so nothing is held in
memory between the two. Torch work runs off the event loop: a stored run's step in the light
executor, a solve (the default problem, level 4's rates) in the pool.
"""

from __future__ import annotations

from solver import Run, Settings, solve
from solver.quiz import AnswerError, Question, judge, make_question

from ..reply import Reply
from ..storage import QuizAttempt
from .caller import Caller
from .context import TutorContext
from .errors import UserError
from .explain import missing_run
from .quiz_ids import QuizId
from .quiz_layout import question_reply, stats_reply, verdict_reply

DEFAULT_RUN = 0  # the run id of "the default problem", which is solved afresh, never stored


def _question(run: Run | None, level: int, question_id: int, lang: str) -> Question:
    """In a worker: the default problem solved when there is no run, then the question."""
    try:
        return make_question(
            run if run is not None else solve(Settings()), level, question_id, lang
        )
    except ValueError:  # no step of this run, or no rate of it, makes this level's question
        raise UserError("quiz.no_question") from None


async def _made(
    ctx: TutorContext, caller: Caller, quiz: QuizId, run: Run | None, paced: bool
) -> Question:
    if run is not None and quiz.level != 4:
        return await ctx.light(_question, run, quiz.level, quiz.question_id, caller.lang)
    slot = ctx.reserve(caller) if paced else ctx.reserve_unpaced()
    return await ctx.compute(slot, _question, run, quiz.level, quiz.question_id, caller.lang)


async def ask_quiz(ctx: TutorContext, caller: Caller, level: int, question_id: int) -> Reply:
    """A question of `level` on the caller's latest run in the channel; `question_id` (the
    asking interaction's id) picks the step and keys the answer."""
    stored = await ctx.light(ctx.store.latest, caller.user_id, caller.channel_id)
    run_id = stored.id if stored is not None else DEFAULT_RUN
    quiz = QuizId("open", level, run_id, question_id)
    question = await _made(ctx, caller, quiz, stored.run if stored else None, paced=True)
    return question_reply(question, quiz, caller.lang)


async def answer_quiz(
    ctx: TutorContext, caller: Caller, quiz: QuizId, answer: str, display_name: str
) -> Reply:
    """Judge `answer` (typed text, or the choice of a button) and count it if it is the
    caller's first answer to this question; UserError for text that is no plain number."""
    run: Run | None = None
    if quiz.run_id != DEFAULT_RUN:
        stored = await ctx.light(ctx.store.get, quiz.run_id)
        if stored is None:
            raise await missing_run(ctx, quiz.run_id)
        run = stored.run
    question = await _made(ctx, caller, quiz, run, paced=False)
    try:
        verdict = judge(question, quiz.choice if quiz.choice is not None else answer)
    except AnswerError as error:
        raise UserError(f"quiz.answer_{error.code}") from None
    attempt = QuizAttempt(
        quiz.question_id, caller.user_id, caller.guild_id, display_name, quiz.level, verdict.correct
    )
    recorded = await ctx.light(ctx.store.record_quiz_answer, attempt)
    return verdict_reply(question, verdict, recorded, caller.lang)


async def quiz_stats(ctx: TutorContext, caller: Caller) -> Reply:
    """The caller's score here and, in a server, the server's top 10."""
    mine = await ctx.light(ctx.store.quiz_score, caller.user_id, caller.guild_id)
    board = None
    if caller.guild_id is not None:
        board = await ctx.light(ctx.store.quiz_board, caller.guild_id, 10)
    return stats_reply(mine, board, caller.lang)
