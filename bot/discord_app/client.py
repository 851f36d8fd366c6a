"""The discord.py client: shards, commands, translations, start-up sync and the heartbeat."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord

from .. import metrics
from ..config import Config
from ..heartbeat import beat
from ..logs import log_context
from ..translator import CatalogueTranslator
from ..tutor.tutor import Tutor
from .buttons import bind_tutor
from .commands import build_commands
from .errors import TutorCommandTree
from .identify import IdentifyPacer
from .quiz import answer_submitted, bind_quiz, quiz_command

if TYPE_CHECKING:
    from ..queue.submit import JobQueue

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 30
LATENCY_SECONDS = 5  # how often the shards' latencies are copied into the metrics


def shard_of(guild_id: str | int | None, shard_count: int) -> int:
    """The shard Discord sends a guild's events on; DMs come on shard 0."""
    return 0 if guild_id is None else (int(guild_id) >> 22) % shard_count


class TutorClient(discord.AutoShardedClient):
    """The shards of `[discord]` with no privileged intents; mentions are off by default.

    shard_count 0 lets discord.py ask Discord how many shards to run (all in this process);
    shard_ids picks this process's part when several processes share the shards.
    """

    def __init__(self, config: Config, tutor: Tutor, queue: JobQueue | None = None) -> None:
        """Wire `tutor`'s commands into a CommandTree that answers every error; with `queue`,
        runs are queued for the workers."""
        shards = config.discord
        super().__init__(
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=shards.shard_count or None,
        )
        # None: every shard of shard_count (discord.py's typing of the argument forbids None;
        # bot.config already checked the ids against the count).
        self.shard_ids = list(shards.shard_ids) or None
        self.config = config
        self.tutor = tutor
        self.queue = queue
        self.tree = TutorCommandTree(self)
        for command in build_commands(tutor, queue):
            self.tree.add_command(command)
        self.tree.add_command(quiz_command(tutor))
        self._heartbeat: asyncio.Task[None] | None = None
        self._latencies: asyncio.Task[None] | None = None
        self._pacer: IdentifyPacer | None = None
        metrics.track_depth(lambda: tutor.pool.pending)
        self._watch_interactions()

    def _watch_interactions(self) -> None:
        # discord.py parses INTERACTION_CREATE synchronously and starts the handler's task inside
        # the parser, so ids set around it reach every log line of the handler (contextvars are
        # copied into new tasks); no public hook runs early enough for that.
        parsers = self._connection.parsers
        parse = parsers["INTERACTION_CREATE"]

        def counted(data: dict[str, Any]) -> None:
            kind, command = metrics.interaction_labels(data)
            metrics.interactions.labels(kind=kind, command=command).inc()
            shard = shard_of(data.get("guild_id"), self.shard_count or 1)
            with log_context(shard=shard, interaction=int(data["id"])):
                log.info("interaction %s: %s %s", data["id"], kind, command)
                parse(data)

        parsers["INTERACTION_CREATE"] = counted

    async def setup_hook(self) -> None:
        """Translations, then sync only where the config asks (never on every start by default)."""
        await self.tree.set_translator(CatalogueTranslator())
        self.add_dynamic_items(bind_tutor(self.tutor, self.queue), bind_quiz(self.tutor))
        guild_id = self.config.discord.dev_guild_id
        if guild_id:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %d", len(synced), guild_id)
        if self.config.discord.sync_global:
            synced = await self.tree.sync()
            log.info("synced %d commands globally", len(synced))
        self._heartbeat = asyncio.create_task(self._beat_while_connected())
        self._latencies = asyncio.create_task(self._record_latencies())

    async def _record_latencies(self) -> None:
        while not self.is_closed():
            metrics.record_latencies(self.latencies)
            await asyncio.sleep(LATENCY_SECONDS)

    async def _beat_while_connected(self) -> None:
        path = self.config.health.heartbeat_path
        while not self.is_closed():
            if self.is_ready() and not self.ws_closed():
                await asyncio.to_thread(beat, path)
            await asyncio.sleep(HEARTBEAT_SECONDS)

    def ws_closed(self) -> bool:
        """True while any of this process's shards is down (between a drop and the resume)."""
        shards = self.shards
        expected = len(self.shard_ids or ()) or self.shard_count or 1
        return len(shards) < expected or any(shard.is_closed() for shard in shards.values())

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait for the shard's turn in its max_concurrency bucket (see identify.py)."""
        if self._pacer is None:
            self._pacer = await self._new_pacer()
        await self._pacer.wait(shard_id or 0)

    async def _new_pacer(self) -> IdentifyPacer:
        count = self.shard_count or 1
        try:
            limits = await self.fetch_session_start_limits()
            max_concurrency = limits.max_concurrency
        except discord.DiscordException:
            log.warning("GET /gateway/bot failed; identifying one shard per 5 s", exc_info=True)
            max_concurrency = 1
        ids = set(self.shard_ids or range(count))
        clustered = ids != set(range(count))
        log.info(
            "shards %s of %d, max_concurrency %d%s",
            sorted(ids),
            count,
            max_concurrency,
            " (other processes run the rest)" if clustered else "",
        )
        return IdentifyPacer(count, max_concurrency, clustered=clustered)

    async def on_shard_ready(self, shard_id: int) -> None:
        """Log each shard as it gets its guilds."""
        with log_context(shard=shard_id):
            log.info("shard %d of %d ready", shard_id, self.shard_count or 1)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A quiz answer typed into its modal (the only modal; it holds no state here)."""
        await answer_submitted(self.tutor, interaction)

    async def on_ready(self) -> None:
        """Log who we are once every shard of this process is connected."""
        if self.user is not None:
            log.info(
                "connected as %s (%d) on shards %s",
                self.user.name,
                self.user.id,
                sorted(self.shards),
            )
        await asyncio.to_thread(beat, self.config.health.heartbeat_path)

    async def close(self) -> None:
        """Stop the heartbeat, then disconnect."""
        for task in (self._heartbeat, self._latencies):
            if task is not None:
                task.cancel()
        await super().close()
