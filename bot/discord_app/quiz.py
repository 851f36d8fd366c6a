"""/quiz on Discord: the command, the quiz buttons (a DynamicItem, state in the custom_id) and
the modal a typed answer is given in (callback type 9; its submit is interaction type 5)."""

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
from .commands import caller_of
from .errors import answer_error, error_text
from .to_discord import edit_kwargs, send_kwargs

log = logging.getLogger(__name__)
MODAL_SECONDS = 30 * 60  # a student may work a step out on paper before typing it
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


class AnswerModal(discord.ui.Modal):
    """One text box for a level 2 or 3 answer; its custom_id names the question."""

    def __init__(self, tutor: Tutor, quiz: QuizId, lang: str) -> None:
        super().__init__(
            title=clip(t(lang, "quiz.modal_title", level=quiz.level), 45),
            custom_id=quiz.encode(),
            timeout=MODAL_SECONDS,
        )
        self.tutor = tutor
        self.quiz = quiz
        self.answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
            label=clip(t(lang, "quiz.modal_label"), 45),
            placeholder=clip(t(lang, "quiz.modal_placeholder"), 100),
            custom_id="answer",
            max_length=MAX_ANSWER,
        )
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Judge the typed answer and reply privately."""
        caller, name, typed = caller_of(interaction), display_name(interaction), self.answer.value
        await _answer_deferred(
            interaction, lambda: self.tutor.answer_quiz(caller, self.quiz, typed, name)
        )

    async def on_error(  # type: ignore[override]  # Modal drops View's item argument
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        """Answer any failure in the user's language."""
        await answer_error(interaction, error_text(error, str(interaction.locale)))


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
                modal = AnswerModal(self.tutor, self.quiz.as_kind("modal"), caller.lang)
                await interaction.response.send_modal(modal)
                return
            name = display_name(interaction)
            await _answer_deferred(
                interaction, lambda: self.tutor.answer_quiz(caller, self.quiz, "", name)
            )
        except Exception as error:
            await answer_error(interaction, error_text(error, str(interaction.locale)))


def bind_quiz(tutor: Tutor) -> type[QuizButton]:
    """A QuizButton class bound to `tutor`, ready for `client.add_dynamic_items`."""
    return type("BoundQuizButton", (QuizButton,), {"tutor": tutor}, template=BUTTON_PATTERN)


def quiz_command(tutor: Tutor) -> app_commands.Command:  # type: ignore[type-arg]
    """/quiz level:1–4 asks privately; /quiz stats:True shows the scores to the channel."""

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
