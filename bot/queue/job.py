"""A queued job as plain data: what the worker needs to compute a run and answer it itself.

It crosses Redis as JSON. The interaction token lets the worker edit the answer (Discord's
interaction webhook; no bot token); it is never logged (repr hides it) and lives 15 minutes.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

from ..tutor.caller import Caller

# Discord's interaction token works for 15 minutes; a job older than that cannot be answered.
TOKEN_SECONDS = 15 * 60


@dataclass(frozen=True)
class Job:
    """One /solve, /compare or /race (a re-run is a /solve) and the interaction it answers.

    `settings` are solver.Settings as `asdict` writes them, already checked by the gateway;
    `lrs` the learning rates of a /compare (empty for a /solve).
    """

    kind: str  # "solve", "compare" or "race"
    settings: dict[str, Any]
    caller: Caller
    interaction_id: int
    application_id: int
    token: str = field(repr=False)
    created_at: float = field(default_factory=time.time)  # Unix seconds, the interaction's
    lrs: tuple[float, ...] = ()

    def age(self, now: float | None = None) -> float:
        """Seconds since the interaction was created."""
        return (time.time() if now is None else now) - self.created_at

    def expired(self, now: float | None = None) -> bool:
        """True once Discord no longer accepts an answer with this job's token."""
        return self.age(now) >= TOKEN_SECONDS

    def to_data(self) -> dict[str, Any]:
        """JSON-ready data; `Job.from_data` reads it back."""
        data = dataclasses.asdict(self)
        data["lrs"] = list(self.lrs)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Job:
        """A Job from `to_data`'s output (after a JSON round trip)."""
        fields = dict(data)
        fields["caller"] = Caller(**fields["caller"])
        fields["lrs"] = tuple(fields.get("lrs", ()))
        return cls(**fields)
