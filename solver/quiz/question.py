"""What a quiz question is: the words that ask it, the choices, the hidden truth, the worked step."""

from __future__ import annotations

from dataclasses import dataclass

from .._explain import Section

LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Choice:
    """One button of a level-1 or level-4 question: the value it answers, and its label."""

    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """A question made from one run, hidden truth included; `pick` makes it again exactly.

    `truth` is a number for levels 2 and 3 (typed answers) and a Choice value for levels 1
    and 4 (buttons); `truth_text` is how the answer reveals it. `worked` is the /explain text
    of the step asked about (level 4: the solver's outcome and its hint). `k` is the iteration
    asked about; level 4 has none (-1), and its `lr` is the rate asked about.
    """

    level: int
    k: int
    title: str
    lines: tuple[str, ...]
    choices: tuple[Choice, ...]
    truth: float | str
    truth_text: str
    worked: tuple[Section, ...]
    lr: float | None = None

    @property
    def typed(self) -> bool:
        """Whether it is answered by typing a number (levels 2 and 3) rather than a button."""
        return not self.choices

    def prompt(self) -> str:
        """The question as text: its lines, one after the other."""
        return "\n".join(self.lines)
