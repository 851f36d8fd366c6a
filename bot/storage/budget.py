"""How much the store may hold, and the queries that delete the oldest runs past it.

Every row carries its `stored_bytes` (rows.stored_bytes), so each budget is a SUM in SQL.
Each UPDATE or DELETE touches at most `BATCH` rows in its own transaction: a process killed
while pruning leaves whole rows, and a writer waits for one short batch, never for the whole
prune.
"""

from __future__ import annotations

from dataclasses import dataclass

GIB = 1024**3
MIB = 1024**2
DAY = 86400.0
BATCH = 500


@dataclass(frozen=True)
class Budget:
    """The store's limits: total bytes, bytes per user, and an optional age (0 days = none).

    `keep_runs_per_user` is enforced when a run is saved, as before; the byte limits and the
    age are enforced by `RunStore.prune`, in the background. A run past the age loses its
    iterations and keeps its settings; past a byte limit, stripped runs go as well.
    """

    max_bytes: int = GIB
    keep_bytes_per_user: int = 20 * MIB
    keep_days: float = 0

    def __post_init__(self) -> None:
        if self.max_bytes < 1 or self.keep_bytes_per_user < 1 or self.keep_days < 0:
            raise ValueError("byte budgets must be >= 1 and keep_days >= 0")


DEFAULT_BUDGET = Budget()

TOTAL = "SELECT coalesce(sum(stored_bytes), 0) FROM runs"

# Pruning is two steps, each oldest first. A run past a limit first loses its iterations: its
# row keeps the settings (they are columns of their own), costs only its equation and ROW_BYTES,
# and answers its buttons with "expired, run it again" and a button that does. Only when the
# stripped rows alone are past the budget do they go too.
STRIP = (
    "UPDATE runs SET run_packed = NULL, stored_bytes = stored_bytes - length(run_packed)"
    " WHERE id IN ({ids})"
)
DROP = "DELETE FROM runs WHERE id IN ({ids})"

# The ids of the oldest runs (at most ?) past each limit, full ({stripped} false) or stripped.

# Older than the cutoff (created_at, seconds since the epoch).
EXPIRED = (
    "SELECT id FROM runs WHERE created_at < ? AND (run_packed IS NULL) = {stripped}"
    " ORDER BY id LIMIT ?"
)

# Past a user's byte budget: a run goes when it and that user's newer runs together exceed the
# budget. The user's newest run stays, however large: it answered last.
OVER_USER_BUDGET = (
    "SELECT id FROM"
    " (SELECT id, run_packed IS NULL AS stripped,"
    "  sum(stored_bytes) OVER (PARTITION BY user_id ORDER BY id DESC) AS kept,"
    "  row_number() OVER (PARTITION BY user_id ORDER BY id DESC) AS newness FROM runs"
    "  WHERE user_id IN (SELECT user_id FROM runs GROUP BY user_id"
    "   HAVING sum(stored_bytes) > ?)) AS newest"
    " WHERE kept > ? AND newness > 1 AND stripped = {stripped} ORDER BY id LIMIT ?"
)

# Past the whole store's budget, whoever owns them.
OVER_BUDGET = (
    "SELECT id FROM"
    " (SELECT id, run_packed IS NULL AS stripped,"
    "  sum(stored_bytes) OVER (ORDER BY id DESC) AS kept FROM runs) AS newest"
    " WHERE kept > ? AND stripped = {stripped} ORDER BY id LIMIT ?"
)


def strip(ids: str) -> str:
    """The UPDATE that strips the iterations of the full runs `ids` (a query of the above)."""
    return STRIP.format(ids=ids.format(stripped="false"))


def drop(ids: str) -> str:
    """The DELETE of the stripped runs `ids` (a query of the above)."""
    return DROP.format(ids=ids.format(stripped="true"))


def cutoff(budget: Budget, now: float) -> float | None:
    """The creation time before which runs have expired, or None when they never do."""
    return now - budget.keep_days * DAY if budget.keep_days > 0 else None
