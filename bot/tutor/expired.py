"""The answer for a run whose iterations were pruned: it expired, and how to run it again."""

from __future__ import annotations

from solver import Settings, given_number
from solver.words import t

from ..reply import Button
from ..text import user_text
from .custom_ids import ButtonId
from .errors import UserError


class RunExpired(UserError):
    """Run `run_id` expired; with its kept `settings`, the answer names them and carries a
    Run again button, else it points to /solve."""

    def __init__(self, run_id: int, settings: Settings | None) -> None:
        key = "storage.run_expired" if settings is None else "storage.run_expired_settings"
        super().__init__(key, run_id=run_id)
        self.run_id = run_id
        self.settings = settings

    def text(self, lang: str) -> str:
        """The answer in `lang`, with the settings in its option names."""
        if self.settings is None:
            return super().text(lang)
        return t(lang, self.key, run_id=self.run_id, settings=solve_options(self.settings, lang))

    def buttons(self, lang: str) -> list[list[Button]]:
        """Run again, when the settings were kept."""
        if self.settings is None:
            return []
        again = ButtonId("again", self.run_id).encode()
        return [[Button(t(lang, "button.again"), again, style="primary")]]


def solve_options(settings: Settings, lang: str) -> str:
    """`settings` as /solve's options, as a student types them: equation:x**2 - 2, x0:1, ..."""
    values = {
        "equation": user_text(settings.equation),
        "x0": given_number(settings.x0),
        "lr": given_number(settings.lr),
        "steps": str(settings.steps),
        "optimizer": settings.optimizer,
        "precision": settings.precision,
    }
    return ", ".join(f"{t(lang, f'option.{name}.name')}:{value}" for name, value in values.items())
