"""The Tutor: the one object the edges (Discord, the console) call, over the feature modules.

Plain options in, a Reply out, no discord.py objects. Each feature is a function over the
shared TutorContext, bound here as a method. A command's checks run first, on the event loop
and quickly, so the edge can answer a mistake at once; `admit_*` also reserves the pool slot
(spending the caller's cooldown), and `run_*` does the work in it.
"""

from __future__ import annotations

from ..reply import Reply
from .animate import animate, animate_run
from .buttons import admit_rerun, step
from .compare import admit_compare, compare_numbers, run_compare
from .context import TutorContext
from .explain import explain_iteration, find_run, recent_runs
from .export import export_csv
from .layout import help_reply
from .quiz import answer_quiz, ask_quiz, quiz_stats
from .race import admit_race, race_numbers, run_race
from .solve import admit_solve, run_solve, solve_numbers


class Tutor(TutorContext):
    """/solve, /compare, /race, /explain, /quiz, /help, the buttons and /animate over a run store
    and a work pool."""

    admit_solve = admit_solve
    solve_numbers = solve_numbers  # the numbers now, the picture by `await staged.final()`
    run_solve = run_solve  # both stages in one call
    admit_compare = admit_compare
    compare_numbers = compare_numbers
    run_compare = run_compare
    admit_race = admit_race
    race_numbers = race_numbers
    run_race = run_race
    explain = explain_iteration
    find_run = find_run
    recent = recent_runs
    step = step
    admit_rerun = admit_rerun
    export_csv = export_csv
    ask_quiz = ask_quiz
    answer_quiz = answer_quiz
    quiz_stats = quiz_stats
    animate = animate  # the console's /animate
    animate_run = animate_run  # the Animate button, once its run is found

    def help(self, lang: str) -> Reply:
        """The /help answer; no executor needed."""
        return help_reply(lang)
