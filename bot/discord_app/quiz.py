"""/quiz on Discord: the command, the quiz buttons (a DynamicItem, state in the custom_id) and
the modal a typed answer is given in (callback type 9; its submit, interaction type 5, is
answered from its custom_id by `answer_submitted`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from solver.words import t

from ..reply import Reply
from ..text import clip
from ..translator import catalogue_text as text
from ..tutor.quiz_ids import BUTTON_PATTERN, QuizId, decode_quiz
from ..tutor.tutor import Tutor
from .commands import anywhere, caller_of
from .errors import answer_failure, error_text
from .to_discord import edit_kwargs, send_kwargs

log = logging.getLogger(__name__)
ANSWER_INPUT = "answer"
MAX_ANSWER = 40


def display_name(interaction: discord.Interaction) -> str:
    """The name the server shows for the user (nickname, else global name, else username)."""
    return interaction.user.display_name


async def _answer_deferred(
    interaction: discord.Interaction, work: Callable[[], Awaitable[Reply]]
) -> None:
    """Defer privately, then replace "thinking" with the reply or with the refusal."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        reply = await work()
    except Exception as error:
        refusal = discord.Embed(
            description=error_text(error, str(interaction.locale)), color=0xED4245
        )
        await interaction.edit_original_response(
            content=None, embed=refusal, allowed_mentions=discord.AllowedMentions.none()
        )
        return
    await interaction.edit_original_response(**edit_kwargs(reply))


def answer_modal(quiz: QuizId, lang: str) -> discord.ui.Modal:
    """One text box for a level 2 or 3 answer; its custom_id names the question.

    Stopped before it is sent, so discord.py keeps nothing of it: the submit is answered by
    `answer_submitted` from its custom_id, after a restart too, like the buttons.
    """
    modal = discord.ui.Modal(
        title=clip(t(lang, "quiz.modal_title", level=quiz.level), 45),
        custom_id=quiz.encode(),
        timeout=None,
    )
    modal.add_item(
        discord.ui.TextInput(
            label=clip(t(lang, "quiz.modal_label"), 45),
            placeholder=clip(t(lang, "quiz.modal_placeholder"), 100),
            custom_id=ANSWER_INPUT,
            max_length=MAX_ANSWER,
        )
    )
    modal.stop()
    return modal


def _typed(components: Any) -> str:
    """The value of the answer box in a modal submit's components (rows or labels)."""
    for item in components if isinstance(components, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("custom_id") == ANSWER_INPUT and isinstance(item.get("value"), str):
            return str(item["value"])
        found = _typed([item.get("component"), *(item.get("components") or [])])
        if found:
            return found
    return ""


async def answer_submitted(tutor: Tutor, interaction: discord.Interaction) -> None:
    """Judge a submitted quiz modal (interaction type 5) and reply privately; others pass."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return
    data: Any = interaction.data or {}
    quiz = decode_quiz(str(data.get("custom_id", "")))
    if quiz is None or quiz.kind != "modal":
        return
    caller, name, typed = (
        caller_of(interaction),
        display_name(interaction),
        _typed(data.get("components")),
    )
    await _answer_deferred(interaction, lambda: tutor.answer_quiz(caller, quiz, typed, name))


class QuizButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_PATTERN):
    """A quiz button: Answer (opens the modal) or a choice; `tutor` is bound by `bind_quiz`."""

    tutor: Tutor

    def __init__(self, quiz: QuizId) -> None:
        super().__init__(discord.ui.Button(custom_id=quiz.encode()))
        self.quiz = quiz

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any, /
    ) -> QuizButton:
        """Rebuild the button from the custom_id of a click."""
        quiz = decode_quiz(match.string)
        assert quiz is not None  # the template matched
        return cls(quiz)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Open the modal (Answer) or judge the choice clicked."""
        caller = caller_of(interaction)
        try:
            if self.quiz.kind == "open":
                modal = answer_modal(self.quiz.as_kind("modal"), caller.lang)
                await interaction.response.send_modal(modal)
                return
            name = display_name(interaction)
            await _answer_deferred(
                interaction, lambda: self.tutor.answer_quiz(caller, self.quiz, "", name)
            )
        except Exception as error:
            await answer_failure(interaction, error)


def bind_quiz(tutor: Tutor) -> type[QuizButton]:
    """A QuizButton class bound to `tutor`, ready for `client.add_dynamic_items`."""
    return type("BoundQuizButton", (QuizButton,), {"tutor": tutor}, template=BUTTON_PATTERN)


def quiz_command(tutor: Tutor) -> app_commands.Command:  # type: ignore[type-arg]
    """/quiz level:1–4 asks privately; /quiz stats:True shows the scores to the channel."""

    @anywhere
    @app_commands.command(name="quiz", description=text("command.quiz.description"))
    @app_commands.describe(
        level=text("option.level.description"), stats=text("option.stats.description")
    )
    async def quiz(
        interaction: discord.Interaction,
        level: app_commands.Range[int, 1, 4] = 1,
        stats: bool = False,
    ) -> None:
        caller = caller_of(interaction)
        if stats:
            reply = await tutor.quiz_stats(caller)
            await interaction.response.send_message(**send_kwargs(reply))
            return
        await _answer_deferred(interaction, lambda: tutor.ask_quiz(caller, level, interaction.id))

    return quiz
