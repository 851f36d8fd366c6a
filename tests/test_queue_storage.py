"""The storage side of at-least-once delivery: a run saved under an interaction id is stored
once, however often the job runs, on both backends."""

import json
import sqlite3
from pathlib import Path

from store_backends import Backend, make_run

from bot.storage import MIGRATIONS, RunStore
from bot.storage.sqlite import SqliteRunStore


def save(
    store: RunStore, user: int, interaction_id: int | None, lr: float = 0.01, part: int = 0
) -> int:
    return store.save(
        make_run(lr=lr),
        user_id=user,
        guild_id=99,
        channel_id=10,
        locale="en-US",
        interaction_id=interaction_id,
        part=part,
    )


def test_a_second_save_of_one_interaction_returns_the_first_id(store: RunStore) -> None:
    first = save(store, 1, 1234567890123456789)
    again = save(store, 1, 1234567890123456789, lr=0.5)  # a redelivered job
    assert again == first
    assert store.count() == 1
    stored = store.get(first)
    assert stored is not None and stored.run.settings.lr == 0.01


def test_each_run_of_one_interaction_is_stored_once_however_often_the_job_runs(
    store: RunStore,
) -> None:
    """A /compare or /race stores several runs under one interaction: each part once."""
    interaction = 1234567890123456789
    first = [save(store, 1, interaction, lr=0.01 * (part + 1), part=part) for part in range(4)]
    again = [save(store, 1, interaction, lr=0.5, part=part) for part in range(4)]  # redelivered
    assert again == first and len(set(first)) == 4 and store.count() == 4
    for part, run_id in enumerate(first):
        stored = store.get(run_id)
        assert stored is not None and stored.run.settings.lr == 0.01 * (part + 1)


def test_runs_without_an_interaction_and_other_interactions_are_all_stored(
    store: RunStore,
) -> None:
    ids = [save(store, 1, None), save(store, 1, None), save(store, 1, 7), save(store, 2, 8)]
    assert len(set(ids)) == 4 and store.count() == 4


def test_a_dedup_hit_does_not_prune(backend: Backend) -> None:
    store = backend.open(keep=2)
    try:
        first = save(store, 1, 11)
        second = save(store, 1, 12)
        assert save(store, 1, 12) == second
        assert store.get(first) is not None and store.count() == 2
    finally:
        store.close()


def test_a_version_1_file_is_migrated_keeping_its_runs(tmp_path: Path) -> None:
    """Holds: a file of schema v1 (JSON rows) gains every later migration, the interaction
    column among them, keeps its run and then stores a job's run once."""
    path = tmp_path / "runs.sqlite3"
    old = make_run()
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0].sqlite + "; PRAGMA user_version = 1;")
        db.execute(
            "INSERT INTO runs (user_id, channel_id, locale, created_at, equation, steps,"
            " optimizer, dtype, outcome, run_json) VALUES (1, 2, 'en-US', 0, 'x**2 - 2', 11,"
            " 'adam', 'float32', 'still_moving', ?)",
            (json.dumps(old.to_dict()),),
        )
    db.close()
    store = SqliteRunStore(path, 50)
    try:
        kept = store.get(1)
        assert kept is not None and kept.run.final_x == old.final_x
        assert save(store, 1, 5) == save(store, 1, 5) == 2
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    db.close()
