"""Quiz state kept in Discord's custom_id, so a question can be answered after a restart:
`gq:<kind>:<level>:<run>:<question>[:<choice>]`.

`run` is the stored run asked about (0: the default problem), `question` the id of the
/quiz interaction that asked (it picks the step, and keys the answer so it counts once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("open", "pick", "modal")  # the Answer button, a choice button, the modal it opens
PATTERN = (
    r"gq:(?P<kind>open|pick|modal):(?P<level>[1-4]):(?P<run>[0-9]{1,19})"
    r":(?P<question>[0-9]{1,20})(?::(?P<choice>[a-z]{1,12}))?"
)
BUTTON_PATTERN = PATTERN.replace("open|pick|modal", "open|pick")
_COMPILED = re.compile(PATTERN)


@dataclass(frozen=True)
class QuizId:
    """Which question (level, run, question id) and, on a choice button, which answer."""

    kind: str
    level: int
    run_id: int
    question_id: int
    choice: str | None = None

    def encode(self) -> str:
        """The custom_id string (at most 100 characters, as Discord requires)."""
        if (self.kind == "pick") != (self.choice is not None):
            raise ValueError("a choice button needs its choice; other ids none")
        tail = f":{self.choice}" if self.choice is not None else ""
        return f"gq:{self.kind}:{self.level}:{self.run_id}:{self.question_id}{tail}"

    def as_kind(self, kind: str) -> QuizId:
        """The same question under another kind (the modal an Answer button opens)."""
        return QuizId(kind, self.level, self.run_id, self.question_id)


def decode_quiz(custom_id: str) -> QuizId | None:
    """The QuizId of a custom_id, or None if it is not a quiz id."""
    match = _COMPILED.fullmatch(custom_id)
    if match is None:
        return None
    kind, choice = match.group("kind"), match.group("choice")
    if (kind == "pick") != (choice is not None):
        return None
    return QuizId(
        kind,
        int(match.group("level")),
        int(match.group("run")),
        int(match.group("question")),
        choice,
    )
