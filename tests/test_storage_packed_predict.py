"""Prediction-coded runs (PKD2, issue #16): every optimizer × precision round-trips bit for bit,
a 100-step run of either precision packs to ≤ 2,000 bytes, a column the prediction never
matches costs no more than plain deltas, and blobs of the formats before (PKD1, PKJ1) still read."""

import hashlib
import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.storage import packed, predict, squeeze
from bot.storage.packed import COLUMNS, PREDICTED, PREDICTED_LZMA, WHOLE_JSON, pack, unpack
from solver import OPTIMIZERS, PRECISIONS, Iteration, Run, Settings, solve

GOLDEN = Path(__file__).parent / "golden" / "packed_v1.json"
# (equation, lr, x0): converging, diverging to inf/nan, leaving the domain, stuck, no root.
CASES = [
    ("x**2 - 2", 0.01, 1.0),
    ("x**2 - 2", 100.0, 1.0),
    ("x**2 - 2", 1.5, 1.0),
    ("sqrt(x) - 2", 3.0, 1.0),
    ("log(x)", 2.0, 0.5),
    ("cos(x) - x", 0.05, 0.3),
    ("exp(x)", 0.1, 2.0),
    ("x**2 + 1", 0.01, 1.0),
    ("x**3 - x - 1", 0.003, 2.0),
    ("x**2 - 1", 0.1, 1.0),  # starts on its root: y = 0, where the y prediction divides by 2y
    ("x^-1", 0.01, -0.0),  # diverges at once: one iteration, without optimizer state
]
MATRIX = [(o, p, case) for o in OPTIMIZERS for p in PRECISIONS for case in CASES]


def float_bits(run: Run) -> str:
    """A digest of every iteration number's 8 bytes, so a NaN's sign and payload count too."""
    digest = hashlib.sha256()
    for it in run.iterations:
        for value in (it.x, it.y, it.loss, it.grad, *it.state.values()):
            digest.update(
                struct.pack("<d", value) if isinstance(value, float) else repr(value).encode()
            )
    return digest.hexdigest()


def same_run(a: Run, b: Run) -> bool:
    return (
        float_bits(a) == float_bits(b)
        and a.to_dict().keys() == b.to_dict().keys()
        and repr(a.to_dict()) == repr(b.to_dict())
    )


def run_of(optimizer: str, precision: str, case: tuple[str, float, float], steps: int) -> Run:
    equation, lr, x0 = case
    return solve(Settings(equation, x0, lr, steps, optimizer, precision))


@pytest.mark.parametrize(("optimizer", "precision", "case"), MATRIX)
def test_every_run_round_trips_within_two_kilobytes(
    optimizer: str, precision: str, case: tuple[str, float, float]
) -> None:
    for steps in (1, 100):
        run = run_of(optimizer, precision, case, steps)
        blob = pack(run)
        assert blob.startswith(PREDICTED)  # zlib: LZMA only pays off past 4 KB
        assert same_run(unpack(blob), run), (steps, run.outcome)
        assert len(blob) <= 2_000, (steps, run.outcome, len(blob))


def test_the_predictions_are_used_where_torch_rounds_as_they_do() -> None:
    for optimizer in OPTIMIZERS:
        wide = run_of(optimizer, "float64", CASES[0], 100)
        plain = len(pack(wide, predictions=False))
        assert len(pack(wide)) < plain * 0.7, optimizer  # x, loss and the state nearly vanish


def test_long_runs_round_trip_and_stay_under_150_kb() -> None:
    for optimizer in OPTIMIZERS:
        for precision in PRECISIONS:
            run = solve(Settings(optimizer=optimizer, precision=precision, steps=10_000))
            blob = pack(run)
            assert len(blob) <= 150_000, (optimizer, precision)
            assert same_run(unpack(blob), run), (optimizer, precision)


@pytest.mark.parametrize("precision", PRECISIONS)
def test_a_long_run_of_noise_packs_under_150_kb_by_lzma(precision: str) -> None:
    """sin(1000x) at lr 1 jumps about: its y and dL/dx are noise no prediction removes. zlib
    packs 10,000 Adam steps of float64 to 151 KB; LZMA's range coder to 147 KB."""
    run = solve(Settings("sin(1000*x)", 1.0, 1.0, 10_000, "adam", precision))
    blob = pack(run)
    assert blob.startswith(PREDICTED_LZMA) and len(blob) <= 150_000, len(blob)
    assert same_run(unpack(blob), run)
    deflated = squeeze.deflate(squeeze.unrange(blob[4:]), packed._WORDS2)
    assert len(blob) < len(deflated) + 4  # chosen because it was smaller
    short = pack(solve(Settings("sin(1000*x)", 1.0, 1.0, 100, "adam", precision)))
    assert short.startswith(PREDICTED)  # zlib's preset dictionary wins on short runs


def test_columns_the_predictions_never_match_round_trip_and_cost_no_more() -> None:
    run = solve(Settings(optimizer="adam", precision="float64", steps=100))
    rng = np.random.default_rng(16)
    noise = rng.standard_normal((5, len(run.iterations))).tolist()
    # Every predicted column made noise that follows no rule: every prediction misses.
    run.iterations = [
        it._replace(x=x, y=y, loss=loss, state={**it.state, "exp_avg": m, "exp_avg_sq": v})
        for it, x, y, loss, m, v in zip(run.iterations, *noise, strict=True)
    ]
    blob = pack(run)
    assert same_run(unpack(blob), run)
    assert len(blob) <= len(pack(run, predictions=False))  # every column as plain deltas
    columns = columns_of(run)
    for name in ("x", "y", "loss", "state.exp_avg", "state.exp_avg_sq"):
        words = predict.residuals(name, columns[name], columns, run.settings.__dict__)
        assert np.count_nonzero(words) == len(run.iterations), name  # it truly never matched


def columns_of(run: Run) -> dict[str, list[float]]:
    its = run.iterations
    columns = {f: [getattr(it, f) for it in its] for f in ("x", "y", "loss", "grad")}
    for key in its[0].state:
        columns[f"state.{key}"] = [it.state[key] for it in its if key in it.state]
    return columns


def test_odd_bits_in_a_predicted_column_keep_their_bits() -> None:
    run = solve(Settings(optimizer="momentum", precision="float32", steps=30))
    nan = struct.unpack("<d", struct.pack("<Q", 0x7FF8_0000_DEAD_BEEF))[0]
    odd = [nan, -0.0, 5e-324, float("inf"), -float("inf"), 1e300]
    run.iterations = [
        it._replace(x=odd[i], loss=odd[-1 - i]) if i < len(odd) else it
        for i, it in enumerate(run.iterations)
    ]
    assert same_run(unpack(pack(run)), run)


def test_blobs_of_the_formats_before_still_read_exactly() -> None:
    golden = json.loads(GOLDEN.read_text())
    assert {bytes.fromhex(g["blob"])[:4] for g in golden} == {COLUMNS, WHOLE_JSON}
    for entry in golden:
        run = unpack(bytes.fromhex(entry["blob"]))
        assert float_bits(run) == entry["bits_sha256"]
        assert json.dumps(run.to_dict(), separators=(",", ":")) == entry["run"]


def test_a_hand_made_iteration_list_with_gaps_in_its_state_round_trips() -> None:
    run = solve(Settings(optimizer="adam", precision="float64", steps=12))
    run.iterations[5] = Iteration(5, *run.iterations[5][1:5])  # no state in the middle
    assert same_run(unpack(pack(run)), run)


def test_a_prediction_that_would_not_decode_exactly_is_never_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pack decodes every residual column as unpack will; one that came back a bit off (a bug
    that no test found yet, stood in for here) is stored as plain deltas instead."""
    run = solve(Settings(optimizer="momentum", precision="float64", steps=100))
    restore = predict.restore

    def off_by_one_bit(*args: Any) -> list[float]:
        values = restore(*args)
        return [*values[:-1], np.nextafter(values[-1], math.inf).item()]

    monkeypatch.setattr(predict, "restore", off_by_one_bit)
    blob = pack(run)
    monkeypatch.undo()
    assert blob == pack(run, predictions=False)
    assert same_run(unpack(blob), run)
