"""The discord.py client: commands, translations, start-up sync and the heartbeat."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from ..config import Config
from ..heartbeat import beat
from ..translator import CatalogueTranslator
from ..tutor.tutor import Tutor
from .buttons import bind_tutor
from .commands import build_commands
from .errors import TutorCommandTree

if TYPE_CHECKING:
    from ..queue.submit import JobQueue

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 30


class TutorClient(discord.Client):
    """A plain (unsharded) client with no privileged intents; mentions are off by default."""

    def __init__(self, config: Config, tutor: Tutor, queue: JobQueue | None = None) -> None:
        """Wire `tutor`'s commands into a CommandTree that answers every error; with `queue`,
        runs are queued for the workers."""
        super().__init__(
            intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none()
        )
        self.config = config
        self.tutor = tutor
        self.queue = queue
        self.tree = TutorCommandTree(self)
        for command in build_commands(tutor, queue):
            self.tree.add_command(command)
        self._heartbeat: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        """Translations, then sync only where the config asks (never on every start by default)."""
        await self.tree.set_translator(CatalogueTranslator())
        self.add_dynamic_items(bind_tutor(self.tutor, self.queue))
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

    async def _beat_while_connected(self) -> None:
        path = self.config.health.heartbeat_path
        while not self.is_closed():
            if self.is_ready() and not self.ws_closed():
                await asyncio.to_thread(beat, path)
            await asyncio.sleep(HEARTBEAT_SECONDS)

    def ws_closed(self) -> bool:
        """True while the gateway connection is down (between a drop and the resume)."""
        ws = self.ws
        return ws is None or ws.socket is None or ws.socket.closed

    async def on_ready(self) -> None:
        """Log who we are once connected."""
        if self.user is not None:
            log.info("connected as %s (%d)", self.user.name, self.user.id)
        await asyncio.to_thread(beat, self.config.health.heartbeat_path)

    async def close(self) -> None:
        """Stop the heartbeat, then disconnect."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        await super().close()
