"""An outcome and its hint in words, in the reader's language (the catalogue's outcome.* and
hint.*), with the hint's numbers."""

from __future__ import annotations

from typing import Any

from ._numbers import given_number, readable_number
from ._run import HUGE_LOSS, HUGE_X, MOMENTUM, Outcome, Run
from .words import FALLBACK, language, t

# The stability bounds as formulas: mathematics, the same in every language.
FORMULAS = {"sgd": "2 / L''(x*)", "momentum": f"2(1 + β) / L''(x*), β = {MOMENTUM}"}


def num(value: float | None) -> str:
    """A number in a hint: four significant digits, scientific notation outside 1e-4 to 1e7."""
    return readable_number(value, 4)


def outcome_label(outcome: Outcome, lang: str = "en") -> str:
    """An outcome in a word or two."""
    return t(lang, f"outcome.{outcome.name.lower()}")


def outcome_words(run: Run, lang: str = "en") -> str:
    """The outcome of `run` in a word or two."""
    return outcome_label(run.outcome, lang)


def _params(run: Run, lang: str) -> dict[str, Any]:
    hint, s = run.hint, run.settings
    assert hint is not None
    kind = hint.bound_kind or s.optimizer
    step = hint.step
    needed = s.lr * 2 * hint.spacing / step if step and hint.spacing else None
    f_at = hint.f_at
    optimizer = f"hint.optimizer.{kind}"
    return {
        "lr": given_number(s.lr),
        "x0": given_number(s.x0),
        "bound": num(hint.lr_bound),
        # "(below 0.125)" where a stability bound is known, nothing where none applies
        "below_bound": ""
        if hint.lr_bound is None
        else t(lang, "hint.below_bound", bound=num(hint.lr_bound)),
        "formula": FORMULAS.get(kind, "?"),
        # SGD's fastest rate near a simple root, 1/L''(x*): half its stability bound
        "fastest": num(None if hint.lr_bound is None else hint.lr_bound / 2),
        "optimizer": t(lang, optimizer, beta=MOMENTUM) if _known(optimizer) else kind,
        "root": hint.beyond or num(run.root),
        "beyond": hint.beyond or "?",
        "at_x": num(hint.at_x),
        "f_at": num(f_at),
        "least_loss": num(None if f_at is None else f_at * f_at),
        "direction": "−∞" if (hint.at_x or 0.0) < 0 else "+∞",
        "step": num(step),
        "spacing": num(hint.spacing),
        "needed": num(needed),
        "distance": num(hint.distance),
        "done": hint.done if hint.done is not None else len(run.iterations),
        "steps": s.steps,
        "precision": s.precision,
        "huge_loss": HUGE_LOSS,
        "huge_x": HUGE_X,
    }


def _known(key: str) -> bool:
    return key in language(FALLBACK).messages


def hint_text(run: Run, lang: str = "en") -> str | None:
    """The hint for a run that did not converge, with its numbers; None when it converged."""
    if run.hint is None:
        return None
    # Keys of the [hint] table are short (oscillating); those of its own sections whole.
    key = run.hint.key if run.hint.key.startswith("hint.") else f"hint.{run.hint.key}"
    params = _params(run, lang)
    # A stored run may carry a hint an older version wrote.
    text = t(lang, key if _known(key) else "hint.unknown", **params)
    remedy = f"hint.advice.{run.hint.advice}"
    if run.hint.advice and _known(remedy):
        text = t(lang, "hint.advice.with", hint=text, advice=t(lang, remedy, **params))
    cause = f"hint.cause.{run.hint.cause}"
    if run.hint.cause and _known(cause):
        text = t(lang, "hint.with_cause", cause=t(lang, cause, **params), hint=text)
    return text
