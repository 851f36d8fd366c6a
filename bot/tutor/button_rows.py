"""The rows of buttons under a reply: /solve's five, and ⏮ ◀ ▶ ⏭ to step through a run."""

from __future__ import annotations

from solver.words import t

from ..reply import Button
from .custom_ids import ButtonId


def solve_buttons(run_id: int, lang: str) -> list[list[Button]]:
    """Explain step, All iterations, lr ×½, lr ×2 and Animate under a /solve reply (a row
    holds five at most)."""
    return [
        [
            Button(
                t(lang, "button.explain"), ButtonId("explain", run_id).encode(), style="primary"
            ),
            Button(t(lang, "button.csv"), ButtonId("csv", run_id).encode()),
            Button(t(lang, "button.half"), ButtonId("half", run_id).encode()),
            Button(t(lang, "button.double"), ButtonId("double", run_id).encode()),
            Button(t(lang, "animate.button"), ButtonId("animate", run_id).encode()),
        ]
    ]


def step_buttons(run_id: int, k: int, last: int) -> list[list[Button]]:
    """⏮ ◀ ▶ ⏭ for step k; the first two are disabled at 0, the last two at the last step."""

    def nav(label: str, target: int, slot: str, disabled: bool) -> Button:
        return Button(label, ButtonId("step", run_id, target, slot).encode(), disabled)

    return [
        [
            nav("⏮", 0, "first", k == 0),
            nav("◀", max(k - 1, 0), "prev", k == 0),
            nav("▶", min(k + 1, last), "next", k == last),
            nav("⏭", last, "last", k == last),
        ]
    ]
