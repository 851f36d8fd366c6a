"""An outcome and its hint in words, in English and Japanese."""

from __future__ import annotations

from ._numbers import article_number as fmt
from ._run import Outcome, Run

OUTCOME_WORDS = {
    "en": {
        Outcome.CONVERGED: "converged",
        Outcome.STILL_MOVING: "still moving",
        Outcome.DIVERGED: "diverged",
        Outcome.STUCK: "stuck",
        Outcome.OUT_OF_DOMAIN: "out of domain",
        Outcome.TIMED_OUT: "timed out",
    },
    "ja": {
        Outcome.CONVERGED: "収束",
        Outcome.STILL_MOVING: "まだ移動中",
        Outcome.DIVERGED: "発散",
        Outcome.STUCK: "停滞",
        Outcome.OUT_OF_DOMAIN: "定義域外",
        Outcome.TIMED_OUT: "時間切れ",
    },
}

HINTS = {
    "en": {
        "lr_too_large": "lr = {lr} is above {bound}, the largest rate plain SGD is stable with "
        "near this root (2 / L''(x*)): each step overshoots further. Try a smaller lr.",
        "diverged": "x ran away and the numbers overflowed. Start closer to a root or take a "
        "smaller lr{bound_part}.",
        "oscillating": "lr = {lr} is above {bound} = 2 / L''(x*), so x bounces around the root "
        "instead of settling. Try a smaller lr.",
        "more_steps": "x is still heading for the root: lr = {lr} is below the stability bound "
        "{bound}, so a larger lr or more steps will get there.",
        "no_real_root": "f(x) = 0 has no real root near here, so the loss cannot reach 0.",
        "stuck": "The gradient is 0 where f(x) ≠ 0 (a hump or a valley of the loss): x cannot "
        "move. Start from another x0.",
        "out_of_domain": "x left the domain of f (for example log or sqrt of a negative "
        "number, or a division by 0). Start from another x0 or take a smaller lr.",
        "timed_out": "The run hit its time limit before all its steps were done. Try fewer steps.",
    },
    "ja": {
        "lr_too_large": "学習率 {lr} は、この解の近くで通常の SGD が安定する上限 {bound}"
        "（2 / L''(x*)）を超えています。一歩ごとに行き過ぎが大きくなります。学習率を小さくしてください。",
        "diverged": "x が遠くへ飛び、数値があふれました。解の近くから始めるか、学習率を小さくしてください{bound_part}。",
        "oscillating": "学習率 {lr} が上限 {bound} = 2 / L''(x*) を超えているため、x は解の周りで"
        "振動して落ち着きません。学習率を小さくしてください。",
        "more_steps": "x はまだ解へ向かっています。学習率 {lr} は安定の上限 {bound} より小さいので、"
        "学習率を上げるかステップ数を増やせば届きます。",
        "no_real_root": "この近くに f(x) = 0 の実数解がないため、損失は 0 になれません。",
        "stuck": "f(x) ≠ 0 なのに勾配が 0 です（損失の山か谷）。x は動けません。別の x0 から始めてください。",
        "out_of_domain": "x が f の定義域の外に出ました（負の数の log や sqrt、0 での割り算など）。"
        "別の x0 から始めるか、学習率を小さくしてください。",
        "timed_out": "全ステップを終える前に時間の上限に達しました。ステップ数を減らしてください。",
    },
}


def outcome_words(run: Run, lang: str = "en") -> str:
    """The outcome in a word or two."""
    return OUTCOME_WORDS["ja" if lang == "ja" else "en"][run.outcome]


def hint_text(run: Run, lang: str = "en") -> str | None:
    """The hint for a run that did not converge, with its numbers; None when it converged."""
    if run.hint is None:
        return None
    lang = "ja" if lang == "ja" else "en"
    bound = fmt(run.hint.lr_bound) if run.hint.lr_bound is not None else "?"
    if run.hint.lr_bound is None:
        bound_part = ""
    elif lang == "ja":
        bound_part = f"（この解での上限は {bound}）"
    else:
        bound_part = f" (below {bound} at this root)"
    return HINTS[lang][run.hint.key].format(
        lr=fmt(run.settings.lr), bound=bound, bound_part=bound_part
    )
