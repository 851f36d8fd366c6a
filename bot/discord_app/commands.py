"""The slash commands: each turns an interaction into a Tutor call and lays out its Reply.

Every command can be installed to a server or to a user's own account, and used in servers,
in DMs with the bot and in private chats (`anywhere`). Where the bot is not a member, the
interaction still has its channel and guild ids but no cached channel or guild: answers go
through the interaction's own callback and webhook only.

With a job queue, /solve and /compare are checked here and queued; a worker answers them.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands
from discord.app_commands import Choice

from solver import outcome_label

from ..queue.admit import checked_compare, checked_race_job, checked_solve
from ..translator import catalogue_text as text
from ..tutor.caller import Caller
from ..tutor.options import SettingsOptions
from ..tutor.solve import SolveJob
from ..tutor.staged import Staged
from ..tutor.tutor import Tutor
from .progress import show_progress_while
from .queued import answer_queued, job_of
from .to_discord import edit_kwargs, send_kwargs

T = TypeVar("T")

if TYPE_CHECKING:
    from ..queue.submit import JobQueue

DEFAULT_EQUATION = "x**2 - 2"
OPTIMIZER_CHOICES = [
    Choice(name=text("choice.optimizer.sgd"), value="sgd"),
    Choice(name=text("choice.optimizer.momentum"), value="momentum"),
    Choice(name=text("choice.optimizer.adam"), value="adam"),
]
SHARED_OPTIONS = {
    "x0": text("option.x0.description"),
    "steps": text("option.steps.description"),
    "equation": text("option.equation.description"),
}
PRECISION_CHOICES = [
    Choice(name=text("choice.precision.float32"), value="float32"),
    Choice(name=text("choice.precision.float64"), value="float64"),
]


def anywhere(command: T) -> T:
    """Installable to servers and to user accounts; usable in servers, DMs and private chats."""
    installs: Callable[[T], T] = app_commands.allowed_installs(guilds=True, users=True)
    contexts: Callable[[T], T] = app_commands.allowed_contexts(
        guilds=True, dms=True, private_channels=True
    )
    return installs(contexts(command))


def caller_of(interaction: discord.Interaction) -> Caller:
    """The plain facts of an interaction that the tutor needs."""
    return Caller(
        user_id=interaction.user.id,
        channel_id=interaction.channel_id or 0,
        guild_id=interaction.guild_id,
        locale=str(interaction.locale),
    )


async def answer_solve(interaction: discord.Interaction, tutor: Tutor, job: SolveJob) -> None:
    """Defer, solve with progress edits, show the numbers, then add the picture by an edit."""
    try:
        await interaction.response.defer(thinking=True)
        staged = await show_progress_while(
            interaction, job.caller.lang, job.progress, tutor.solve_numbers(job)
        )
    finally:
        job.release()  # the slot goes back at once if the job never reached the pool
    await answer_in_stages(interaction, staged)


async def answer_in_stages(interaction: discord.Interaction, staged: Staged) -> None:
    """Replace the thinking message with the numbers, then edit the picture in (or the note
    that it could not be drawn)."""
    await interaction.edit_original_response(**edit_kwargs(staged.numbers))
    await interaction.edit_original_response(**edit_kwargs(await staged.final()))


def build_commands(tutor: Tutor, queue: "JobQueue | None" = None) -> list[app_commands.Command]:  # type: ignore[type-arg]
    """/solve, /explain, /compare, /race and /help bound to `tutor`; /solve, /compare and /race
    go to `queue` if given."""
    max_steps = tutor.config.solver.max_steps  # the config loader keeps it within the solver's

    @anywhere
    @app_commands.command(name="solve", description=text("command.solve.description"))
    @app_commands.describe(
        **SHARED_OPTIONS,
        lr=text("option.lr.description"),
        optimizer=text("option.optimizer.description"),
        precision=text("option.precision.description"),
    )
    @app_commands.choices(optimizer=OPTIMIZER_CHOICES, precision=PRECISION_CHOICES)
    async def solve(
        interaction: discord.Interaction,
        x0: float = 1.0,
        lr: float = 0.01,
        steps: app_commands.Range[int, 1, max_steps] = 100,
        equation: app_commands.Range[str, 1, 200] = DEFAULT_EQUATION,
        optimizer: str = "sgd",
        precision: str = "float32",
    ) -> None:
        caller = caller_of(interaction)
        options: SettingsOptions = {
            "x0": x0,
            "lr": lr,
            "steps": steps,
            "equation": equation,
            "optimizer": optimizer,
            "precision": precision,
        }
        if queue is not None:
            settings = checked_solve(tutor, caller, **options)
            await answer_queued(interaction, queue, job_of(interaction, caller, "solve", settings))
            return
        job = tutor.admit_solve(caller, **options)
        await answer_solve(interaction, tutor, job)

    @anywhere
    @app_commands.command(name="explain", description=text("command.explain.description"))
    @app_commands.describe(
        iteration=text("option.iteration.description"), run=text("option.run.description")
    )
    async def explain(
        interaction: discord.Interaction,
        iteration: app_commands.Range[int, 0, None],
        run: app_commands.Range[int, 1, None] | None = None,
    ) -> None:
        reply = await tutor.explain(caller_of(interaction), iteration, run)
        await interaction.response.send_message(**send_kwargs(reply))

    @explain.autocomplete("run")
    async def run_autocomplete(interaction: discord.Interaction, current: str) -> list[Choice[int]]:
        caller = caller_of(interaction)
        summaries = await tutor.recent(caller)
        choices = []
        for s in summaries:
            outcome = outcome_label(s.outcome, caller.lang)
            label = f"#{s.id} · {s.equation} · x0={s.x0:g} · lr={s.lr:g} · {outcome}"
            if current.strip() in label:
                choices.append(Choice(name=label[:100], value=s.id))
        return choices[:25]

    @anywhere
    @app_commands.command(name="compare", description=text("command.compare.description"))
    @app_commands.describe(**SHARED_OPTIONS, lrs=text("option.lrs.description"))
    async def compare(
        interaction: discord.Interaction,
        lrs: app_commands.Range[str, 1, 200],
        x0: float = 1.0,
        steps: app_commands.Range[int, 1, max_steps] = 100,
        equation: app_commands.Range[str, 1, 200] = DEFAULT_EQUATION,
    ) -> None:
        caller = caller_of(interaction)
        if queue is not None:
            settings, rates = checked_compare(
                tutor, caller, lrs=lrs, x0=x0, steps=steps, equation=equation
            )
            job_data = job_of(interaction, caller, "compare", settings, rates)
            await answer_queued(interaction, queue, job_data)
            return
        job = tutor.admit_compare(caller, lrs=lrs, x0=x0, steps=steps, equation=equation)
        try:
            await interaction.response.defer(thinking=True)
            staged = await tutor.compare_numbers(job)
        finally:
            job.release()  # the slot goes back at once if the job never reached the pool
        await answer_in_stages(interaction, staged)

    @anywhere
    @app_commands.command(name="race", description=text("command.race.description"))
    @app_commands.describe(
        **SHARED_OPTIONS,
        lr=text("option.lr.description"),
        precision=text("option.precision.description"),
    )
    @app_commands.choices(precision=PRECISION_CHOICES)
    async def race(
        interaction: discord.Interaction,
        x0: float = 1.0,
        lr: float = 0.01,
        steps: app_commands.Range[int, 1, max_steps] = 100,
        equation: app_commands.Range[str, 1, 200] = DEFAULT_EQUATION,
        precision: str = "float32",
    ) -> None:
        caller = caller_of(interaction)
        options: SettingsOptions = {
            "x0": x0,
            "lr": lr,
            "steps": steps,
            "equation": equation,
            "precision": precision,
        }
        if queue is not None:
            settings = checked_race_job(tutor, caller, **options)
            await answer_queued(interaction, queue, job_of(interaction, caller, "race", settings))
            return
        job = tutor.admit_race(caller, **options)
        try:
            await interaction.response.defer(thinking=True)
            staged = await tutor.race_numbers(job)
        finally:
            job.release()  # the slot goes back at once if the job never reached the pool
        await answer_in_stages(interaction, staged)

    @anywhere
    @app_commands.command(name="help", description=text("command.help.description"))
    async def help_command(interaction: discord.Interaction) -> None:
        reply = tutor.help(caller_of(interaction).lang)
        await interaction.response.send_message(**send_kwargs(reply))

    return [solve, explain, compare, race, help_command]
