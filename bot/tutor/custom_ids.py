"""Button state kept in Discord's custom_id, so buttons survive restarts: `gd:<action>:<run>[:<k>:<slot>]`."""

from __future__ import annotations

import re
from dataclasses import dataclass

# "slot" keeps the four navigation buttons' ids distinct when two lead to the same step.
PATTERN = r"gd:(?P<action>explain|step|csv|half|double|again|animate):(?P<run>[0-9]{1,19})(?::(?P<k>[0-9]{1,6}):(?P<slot>first|prev|next|last))?"
_COMPILED = re.compile(PATTERN)


@dataclass(frozen=True)
class ButtonId:
    """What a button does, on which run, and (for step navigation) to which iteration."""

    action: str
    run_id: int
    k: int | None = None
    slot: str | None = None

    def encode(self) -> str:
        """The custom_id string (at most 100 characters, as Discord requires)."""
        if (self.k is None) != (self.slot is None):
            raise ValueError("a step button needs both k and slot; other buttons neither")
        tail = f":{self.k}:{self.slot}" if self.k is not None else ""
        return f"gd:{self.action}:{self.run_id}{tail}"


def decode(custom_id: str) -> ButtonId | None:
    """The ButtonId of a custom_id, or None if it is not one of ours."""
    match = _COMPILED.fullmatch(custom_id)
    if match is None:
        return None
    k = match.group("k")
    return ButtonId(
        match.group("action"), int(match.group("run")), int(k) if k else None, match.group("slot")
    )
