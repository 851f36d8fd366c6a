"""Runs and explanations laid out as Replies, in the caller's language."""

from __future__ import annotations

from solver import (
    Explanation,
    Outcome,
    Run,
    given_number,
    hint_text,
    outcome_words,
    readable_number,
    seed_number,
)
from solver.words import t

from ..reply import Attachment, Field, Reply
from ..text import clip, user_text
from .button_rows import solve_buttons

FIELD_LIMIT = 1024
LINE_LIMIT = 120
COLORS = {
    Outcome.CONVERGED: 0x57F287,
    Outcome.STILL_MOVING: 0xFEE75C,
    Outcome.DIVERGED: 0xED4245,
    Outcome.STUCK: 0xEB459E,
    Outcome.OUT_OF_DOMAIN: 0xED4245,
    Outcome.TIMED_OUT: 0x99AAB5,
}


def clip_between_words(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a space with an ellipsis, so that no number is cut
    in the middle (8.65e63 must not read as 8.65e6…); mid-word only if a word alone is over."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(" ", 0, limit), text.rfind("\n", 0, limit))
    return (text[:cut] if cut > 0 else text[: limit - 1]) + "…"


def iteration_excerpt(run: Run) -> str:
    """The first three iterations and the last one in the article's format, as a code block."""
    lines = [it.line() for it in run.iterations[:3]]
    if len(run.iterations) > 4:
        lines.append("…")
    if len(run.iterations) > 3:
        lines.append(run.iterations[-1].line())
    lines.append(f"x={seed_number(run.final_x)}")
    return "```\n" + "\n".join(clip_between_words(line, LINE_LIMIT) for line in lines) + "\n```"


def settings_text(run: Run, lang: str) -> str:
    """x0, lr, steps, optimizer and precision on one line."""
    s = run.settings
    return t(
        lang,
        "solve.settings_value",
        x0=given_number(s.x0),
        lr=given_number(s.lr),
        steps=s.steps,
        optimizer=s.optimizer,
        precision=s.precision,
    )


def result_text(run: Run, lang: str) -> str:
    """Final x, the nearest root and the error."""
    lines = [f"{t(lang, 'solve.final_x')}: `x={seed_number(run.final_x)}`"]
    if run.root is None or run.error is None:
        lines.append(t(lang, "solve.no_root"))
    else:
        lines.append(f"{t(lang, 'solve.nearest_root')}: `{readable_number(run.root, 10)}`")
        lines.append(f"{t(lang, 'solve.error')}: `{readable_number(run.error, 3)}`")
    return "\n".join(lines)


def outcome_text(run: Run, lang: str) -> str:
    """The outcome in words, then its hint."""
    words = f"**{outcome_words(run, lang)}**"
    hint = hint_text(run, lang)
    return clip_between_words(words if hint is None else f"{words}\n{hint}", FIELD_LIMIT)


def solve_reply(run: Run, run_id: int, pretty_equation: str, png: bytes | None, lang: str) -> Reply:
    """The /solve answer: settings, iterations, result, outcome, the figure and the run id."""
    return Reply(
        title=clip(t(lang, "solve.title", equation=user_text(pretty_equation)), 256),
        fields=[
            Field(t(lang, "solve.settings"), settings_text(run, lang)),
            Field(t(lang, "solve.iterations"), iteration_excerpt(run)),
            Field(t(lang, "solve.result"), result_text(run, lang), inline=True),
            Field(t(lang, "solve.outcome"), outcome_text(run, lang), inline=True),
        ],
        footer=t(lang, "solve.footer", run_id=run_id, seconds=run.seconds),
        image=Attachment(f"run-{run_id}.png", png) if png is not None else None,
        color=COLORS[run.outcome],
        buttons=solve_buttons(run_id, lang),
        run_id=run_id,
    )


def explain_reply(explanation: Explanation, run_id: int, lang: str) -> Reply:
    """An explanation as an embed: one field per section."""
    fields = [
        Field(section.heading, clip_between_words("\n".join(section.lines), FIELD_LIMIT))
        for section in explanation.sections
    ]
    return Reply(
        title=clip(user_text(explanation.title), 256),
        fields=fields,
        footer=t(lang, "explain.footer", run_id=run_id),
        run_id=run_id,
    )


def compare_reply(
    runs: list[Run], first_id: int, pretty_equation: str, png: bytes | None, lang: str
) -> Reply:
    """The /compare answer: one line per learning rate and the comparison figure."""
    lines = [
        t(
            lang,
            "compare.line",
            lr=given_number(run.settings.lr),
            outcome=outcome_words(run, lang),
            x=seed_number(run.final_x),
        )
        for run in runs
    ]
    s = runs[0].settings
    return Reply(
        title=clip(t(lang, "compare.title", equation=user_text(pretty_equation)), 256),
        description=t(lang, "compare.settings", x0=given_number(s.x0), steps=s.steps)
        + "\n\n"
        + "\n".join(lines),
        footer=t(lang, "compare.footer", run_id=first_id),
        image=Attachment(f"compare-{first_id}.png", png) if png is not None else None,
        run_id=first_id,
    )


def help_reply(lang: str) -> Reply:
    """What gradient descent does here, and each command with an example."""
    commands = "\n".join(
        t(lang, key)
        for key in (
            "help.solve",
            "help.explain",
            "help.compare",
            "race.help",
            "help.quiz.line",
            "help.help",
        )
    )
    return Reply(
        title=t(lang, "help.title"),
        description=t(lang, "help.intro"),
        fields=[
            Field(t(lang, "help.commands"), commands),
            Field(
                t(lang, "anywhere.heading"),
                f"{t(lang, 'animate.help')}\n{t(lang, 'anywhere.help')}",
            ),
            Field(t(lang, "help.equations"), t(lang, "help.equations_value")),
        ],
    )
