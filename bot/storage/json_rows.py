"""Migration step: pack the JSON rows that schema v1 stored (see migrations.PACKED_RUNS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_BATCH = 200  # rows read at once: a 10,000-step run's JSON is ~2 MB


def pack_json_rows(execute: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]) -> None:
    """Give every row its packed run and stored size, read from its JSON, bit for bit."""
    # Imported here: the migrations are read by start-up checks that must not load numpy.
    from .packed import from_json, pack
    from .rows import stored_bytes

    last = 0
    while found := execute(
        "SELECT id, equation, run_json FROM runs WHERE id > ? ORDER BY id LIMIT ?",
        (last, _BATCH),
    ):
        for run_id, equation, text in found:
            blob = pack(from_json(text))
            execute(
                "UPDATE runs SET run_packed = ?, stored_bytes = ?, run_json = '' WHERE id = ?",
                (blob, stored_bytes(equation, blob), run_id),
            )
        last = found[-1][0]
