"""scripts/reliability_report.py keeps the record's hand-written sections when it regenerates."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import reliability_report  # noqa: E402


def test_regenerating_keeps_the_sections_written_by_hand() -> None:
    record = (ROOT / "docs" / "reliability.md").read_text()
    kept = reliability_report.hand_written(record)
    headings = [line for line in kept if line.startswith("## ")]
    assert headings == ["## Storage within a budget (issue #16, written by hand)"]
    assert any("test_sigkill_while_pruning_leaves_a_consistent_database" in line for line in kept)
    assert not any(line.startswith("## Distributed faults") for line in kept)
    rendered = reliability_report.render({"tests": []}, kept)
    assert rendered.endswith("\n".join(kept) + "\n")
    assert rendered.startswith("# Reliability record")
