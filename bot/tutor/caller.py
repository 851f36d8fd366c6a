"""Who asked, and where: the only facts about a Discord interaction the tutor needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    """The user, channel and guild of a command, and the language to answer in."""

    user_id: int
    channel_id: int
    guild_id: int | None = None
    locale: str = "en-US"

    @property
    def lang(self) -> str:
        """'ja' or 'en'."""
        from ..i18n import language

        return language(self.locale)
