"""Who asked, and where: the only facts about a Discord interaction the tutor needs."""

from __future__ import annotations

from dataclasses import dataclass

from solver.words import language_of


@dataclass(frozen=True)
class Caller:
    """The user, channel and guild of a command, and the language to answer in."""

    user_id: int
    channel_id: int
    guild_id: int | None = None
    locale: str = "en-US"
    interaction_id: int | None = None  # set by a queue worker: its run is stored once per key

    @property
    def lang(self) -> str:
        """The catalogue language of the locale: 'ja', or 'en' for every locale without one."""
        return language_of(self.locale)
