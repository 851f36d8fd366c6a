"""An outcome and its hint in words, in the reader's language (the catalogue's outcome.* and hint.*)."""

from __future__ import annotations

from ._numbers import article_number as fmt
from ._run import Outcome, Run
from .words import t


def outcome_label(outcome: Outcome, lang: str = "en") -> str:
    """An outcome in a word or two."""
    return t(lang, f"outcome.{outcome.name.lower()}")


def outcome_words(run: Run, lang: str = "en") -> str:
    """The outcome of `run` in a word or two."""
    return outcome_label(run.outcome, lang)


def hint_text(run: Run, lang: str = "en") -> str | None:
    """The hint for a run that did not converge, with its numbers; None when it converged."""
    if run.hint is None:
        return None
    bound = fmt(run.hint.lr_bound) if run.hint.lr_bound is not None else "?"
    bound_part = "" if run.hint.lr_bound is None else t(lang, "hint.bound_at_root", bound=bound)
    return t(
        lang, f"hint.{run.hint.key}", lr=fmt(run.settings.lr), bound=bound, bound_part=bound_part
    )
