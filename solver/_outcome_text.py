"""An outcome and its hint in words, in English and Japanese: key → template tables."""

from __future__ import annotations

from typing import Any

from ._run import HUGE_LOSS, HUGE_X, MOMENTUM, Outcome, Run

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
        Outcome.STILL_MOVING: "未収束",
        Outcome.DIVERGED: "発散",
        Outcome.STUCK: "停滞",
        Outcome.OUT_OF_DOMAIN: "定義域外",
        Outcome.TIMED_OUT: "時間切れ",
    },
}

HINTS = {
    "en": {
        "lr_too_large": "lr = {lr} is above {bound} = {formula}, the largest rate {optimizer} "
        "is stable with at the root {root}: each step overshoots further. Take an lr below {bound}.",
        "diverged_far_start": "lr = {lr} is already below {bound} = {formula}, the largest "
        "stable rate at the root {root}, so the trouble is the start: far from the root the loss "
        "is much steeper, and one step there throws x away. Start closer to the root.",
        "diverged": "x ran away. Start closer to a root or take a smaller lr.",
        "adam_diverged": "Adam moves x by about lr = {lr} per step whatever the gradient, and "
        "x ran away. Take an lr about the size of the distance to the root {root}.",
        "oscillating": "lr = {lr} is above {bound} = {formula}, the largest rate {optimizer} is "
        "stable with at the root {root}, so x bounces around it instead of settling. Take an lr "
        "below {bound}.",
        "more_steps": "x is still heading for the root {root}: lr = {lr} is below the stability "
        "bound {bound} = {formula}, so more steps will get there (or a larger lr, still below "
        "{bound}).",
        "will_freeze_float32": "x is heading for the root {root}, but will stop about "
        "{distance} short of it: near the root a step lr·dL/dx ≈ lr·L''(x*)·|x − x*| falls below "
        "{spacing}, half the spacing of float32 numbers there, and x + step rounds back to x. "
        "Take a larger lr (below {bound}) or float64.",
        "will_freeze_float64": "x is heading for the root {root}, but will stop about "
        "{distance} short of it: near the root a step lr·dL/dx ≈ lr·L''(x*)·|x − x*| falls below "
        "{spacing}, half the spacing of float64 numbers there, and x + step rounds back to x. "
        "Take a larger lr (below {bound}).",
        "double_root": "{root} is a multiple root: f'(x*) = 0 there, so L''(x*) = 2f'(x*)² = 0 "
        "and no lr bound applies. The pull dL/dx = 2f·f' fades faster than the distance (like "
        "its cube at a double root), so convergence is sublinear: each new digit costs many "
        "more steps than the last. More steps help, slowly.",
        "adam_far": "x is {distance} from the root {root}, and Adam moves x by about lr = {lr} "
        "per step whatever the size of the gradient: it needs more steps, or a larger lr.",
        "adam_hovering": "x is within a few lr of the root {root}: Adam divides the gradient by "
        "its own running size, so its steps stay near lr = {lr} however small the gradient "
        "gets, and x keeps circling the root. More steps need not shrink the circles; a smaller "
        "lr does.",
        "no_real_root_polynomial": "f(x) = 0 has no real root anywhere: all the roots of this "
        "polynomial are complex, so the loss L = f² is never 0 and no x0 can help. The least "
        "loss is L = {least_loss} at x = {at_x}.",
        "no_real_root_anywhere": "f(x) = 0 has no real root anywhere from −1.8e308 to 1.8e308: "
        "the loss L = f² is never 0, and no x0 can help. The least loss is L = {least_loss} at "
        "x = {at_x}.",
        "no_root_tends": "f(x) = 0 has no real root: |f| only tends to 0 as x → {direction} "
        "without reaching it, so x would drift on forever, and no x0 can help.",
        "stuck_valley": "x settled at {at_x}, the bottom of a valley of the loss where "
        "f = {f_at} ≠ 0: f' = 0 there, so dL/dx = 2f·f' = 0. Gradient descent cannot climb out; "
        "the nearest root is {root}, beyond the hill: start from an x0 on its side.",
        "stuck_hump": "x = {at_x} is the top of a hump of the loss, where f = {f_at} and "
        "f' = 0, so dL/dx = 0 and x cannot move. Start from any other x0.",
        "stuck_flat": "x crept onto a flat spot at {at_x}, where f' = 0 but f = {f_at} ≠ 0: "
        "dL/dx = 2f·f' fades there and the steps shrink to nothing before x gets past. The "
        "nearest root is {root}: start beyond the flat spot.",
        "below_resolution_float32": "x cannot move: each step, {step}, is smaller than "
        "{spacing}, half the spacing of float32 numbers at x = {at_x}, so x + step rounds back "
        "to x. Take an lr of at least {needed} (below {bound}) or float64.",
        "below_resolution_float64": "x cannot move: each step, {step}, is smaller than "
        "{spacing}, half the spacing of float64 numbers at x = {at_x}, so x + step rounds back "
        "to x. Take an lr of at least {needed} (below {bound}).",
        "gradient_underflow_float32": "x cannot move: at x = {at_x}, f = {f_at} is so small "
        "that dL/dx = 2f·f' rounds to 0 in float32, though the root is {root}. float64 "
        "reaches much smaller numbers.",
        "gradient_underflow_float64": "x cannot move: at x = {at_x}, f = {f_at} is so small "
        "that dL/dx = 2f·f' rounds to 0 even in float64, though the root is {root}.",
        "f_rounds_to_zero_float32": "x cannot move: at x = {at_x}, f = {f_at}, but float32 "
        "computes f as 0 there, because its terms are so large that rounding cancels them, so "
        "dL/dx = 0. The root is {root}: start nearer to it or use float64.",
        "f_rounds_to_zero_float64": "x cannot move: at x = {at_x}, f = {f_at}, but float64 "
        "computes f as 0 there, because its terms are so large that rounding cancels them, so "
        "dL/dx = 0. The root is {root}: start nearer to it.",
        "out_of_domain": "x left the domain of f (for example log or sqrt of a negative "
        "number, or a division by 0). Start from another x0 or take a smaller lr.",
        "timed_out": "The run hit its time limit after {done} of {steps} steps, before x "
        "reached a root.",
        "timed_out_converged": "The run hit its time limit after {done} of {steps} steps, but x "
        "had already converged to the root {root}: the remaining steps would not change it.",
        "unknown": "(a hint from an older version of the tutor)",
    },
    "ja": {
        "lr_too_large": "学習率 {lr} は、解 {root} で{optimizer}が安定する上限 {bound}（{formula}）を"
        "超えています。一歩ごとに行き過ぎが大きくなります。{bound} より小さい学習率にしてください。",
        "diverged_far_start": "学習率 {lr} は解 {root} での安定上限 {bound}（{formula}）より既に"
        "小さいので、原因は出発点です。解から遠いところでは損失の傾きがずっと急で、一歩で x が"
        "飛ばされます。解の近くから始めてください。",
        "diverged": "x が遠くへ飛びました。解の近くから始めるか、学習率を小さくしてください。",
        "adam_diverged": "Adam は勾配の大きさによらず一歩でおよそ学習率 {lr} だけ x を動かし、"
        "x が遠くへ飛びました。解 {root} までの距離くらいの学習率にしてください。",
        "oscillating": "学習率 {lr} が、解 {root} で{optimizer}が安定する上限 {bound}（{formula}）を"
        "超えているため、x は解の周りで振動して落ち着きません。{bound} より小さい学習率にしてください。",
        "more_steps": "x はまだ解 {root} へ向かっています。学習率 {lr} は安定の上限 {bound}"
        "（{formula}）より小さいので、ステップ数を増やせば届きます（{bound} 未満で学習率を上げても"
        "速くなります）。",
        "will_freeze_float32": "x は解 {root} へ向かっていますが、約 {distance} 手前で止まります。"
        "解の近くでは一歩 lr·dL/dx ≈ lr·L''(x*)·|x − x*| が float32 の数の間隔の半分 {spacing} を"
        "下回り、x + 一歩 が x に丸められるからです。学習率を上げる（{bound} 未満）か float64 に"
        "してください。",
        "will_freeze_float64": "x は解 {root} へ向かっていますが、約 {distance} 手前で止まります。"
        "解の近くでは一歩 lr·dL/dx ≈ lr·L''(x*)·|x − x*| が float64 の数の間隔の半分 {spacing} を"
        "下回り、x + 一歩 が x に丸められるからです。学習率を上げてください（{bound} 未満）。",
        "double_root": "{root} は重解です。そこでは f'(x*) = 0 なので L''(x*) = 2f'(x*)² = 0 と"
        "なり、学習率の上限はありません。引き寄せる力 dL/dx = 2f·f' は距離より速く弱まる"
        "（二重解では距離の3乗に比例）ため、収束は線形より遅く、一桁ごとに必要なステップ数が"
        "大きく増えます。ステップ数を増やせばゆっくり近づきます。",
        "adam_far": "x は解 {root} から {distance} 離れていて、Adam は勾配の大きさによらず一歩で"
        "およそ学習率 {lr} だけ動きます。ステップ数を増やすか、学習率を上げてください。",
        "adam_hovering": "x は解 {root} から学習率の数倍以内にいます。Adam は勾配をその移動平均の"
        "大きさで割るので、勾配がどれほど小さくなっても一歩はおよそ学習率 {lr} のままで、x は解の"
        "周りを回り続けます。ステップ数を増やしても回る幅が縮むとは限りません。学習率を下げると縮みます。",
        "no_real_root_polynomial": "f(x) = 0 には実数解がまったくありません。この多項式の解は"
        "すべて複素数なので、損失 L = f² が 0 になることはなく、どの x0 から始めても同じです。"
        "損失の最小値は x = {at_x} での L = {least_loss} です。",
        "no_real_root_anywhere": "f(x) = 0 には −1.8e308 から 1.8e308 までのどこにも実数解が"
        "ありません。損失 L = f² が 0 になることはなく、どの x0 から始めても同じです。"
        "損失の最小値は x = {at_x} での L = {least_loss} です。",
        "no_root_tends": "f(x) = 0 には実数解がありません。|f| は x → {direction} で 0 に近づく"
        "だけで 0 にはならないので、x はどこまでも流れ続け、どの x0 から始めても同じです。",
        "stuck_valley": "x は損失の谷の底 {at_x} で止まりました。そこでは f = {f_at} ≠ 0 ですが "
        "f' = 0 なので dL/dx = 2f·f' = 0 です。勾配降下法は谷から登れません。最も近い解は {root} "
        "で、間の山の向こう側にあります。そちら側の x0 から始めてください。",
        "stuck_hump": "x = {at_x} は損失の山の頂上で、f = {f_at}、f' = 0 なので dL/dx = 0 と"
        "なり、x は動けません。別の x0 から始めてください。",
        "stuck_flat": "x は {at_x} の平らな所に入り込みました。そこでは f' = 0 ですが "
        "f = {f_at} ≠ 0 で、dL/dx = 2f·f' が消えていくため、通り抜ける前に一歩が 0 に縮みます。"
        "最も近い解は {root} です。平らな所の向こう側から始めてください。",
        "below_resolution_float32": "x は動けません。一歩 {step} が、x = {at_x} での float32 の"
        "数の間隔の半分 {spacing} より小さく、x + 一歩 が x に丸められます。学習率を {needed} "
        "以上（{bound} 未満）にするか float64 にしてください。",
        "below_resolution_float64": "x は動けません。一歩 {step} が、x = {at_x} での float64 の"
        "数の間隔の半分 {spacing} より小さく、x + 一歩 が x に丸められます。学習率を {needed} "
        "以上（{bound} 未満）にしてください。",
        "gradient_underflow_float32": "x は動けません。x = {at_x} では f = {f_at} が小さすぎて、"
        "float32 では dL/dx = 2f·f' が 0 に丸められます（解は {root}）。float64 ならずっと小さい"
        "数まで扱えます。",
        "gradient_underflow_float64": "x は動けません。x = {at_x} では f = {f_at} が小さすぎて、"
        "float64 でも dL/dx = 2f·f' が 0 に丸められます（解は {root}）。",
        "f_rounds_to_zero_float32": "x は動けません。x = {at_x} では f = {f_at} ですが、項が"
        "大きすぎて float32 では丸め誤差で打ち消し合い、f が 0 と計算されるため dL/dx = 0 "
        "です。解は {root} です。解の近くから始めるか float64 を使ってください。",
        "f_rounds_to_zero_float64": "x は動けません。x = {at_x} では f = {f_at} ですが、項が"
        "大きすぎて float64 でも丸め誤差で打ち消し合い、f が 0 と計算されるため dL/dx = 0 "
        "です。解は {root} です。解の近くから始めてください。",
        "out_of_domain": "x が f の定義域の外に出ました（負の数の log や sqrt、0 での割り算など）。"
        "別の x0 から始めるか、学習率を小さくしてください。",
        "timed_out": "{steps} ステップのうち {done} ステップで時間の上限に達し、x は解に届き"
        "ませんでした。",
        "timed_out_converged": "{steps} ステップのうち {done} ステップで時間の上限に達しましたが、"
        "x は既に解 {root} に収束していました。残りのステップで答えは変わりません。",
        "unknown": "（以前の版のヒントです）",
    },
}

CAUSES = {
    "en": {
        "overflow": "The numbers overflowed {precision}.",
        "loss_cutoff": f"The run stopped when the loss passed {HUGE_LOSS:g}.",
        "x_cutoff": f"The run stopped when |x| passed {HUGE_X:g}.",
    },
    "ja": {
        "overflow": "数値が {precision} の範囲をあふれました。",
        "loss_cutoff": f"損失が {HUGE_LOSS:g} を超えたところで止めました。",
        "x_cutoff": f"|x| が {HUGE_X:g} を超えたところで止めました。",
    },
}

OPTIMIZER_NAMES = {
    "en": {"sgd": "plain SGD", "momentum": f"momentum SGD (β = {MOMENTUM})"},
    "ja": {"sgd": "通常の SGD ", "momentum": f"モーメンタム付き SGD（β = {MOMENTUM}）"},
}
FORMULAS = {"sgd": "2 / L''(x*)", "momentum": f"2(1 + β) / L''(x*), β = {MOMENTUM}"}


def num(value: float | None) -> str:
    """A number in a hint: four significant digits."""
    return "?" if value is None else f"{value:.4g}"


def outcome_words(run: Run, lang: str = "en") -> str:
    """The outcome in a word or two."""
    return OUTCOME_WORDS["ja" if lang == "ja" else "en"][run.outcome]


def _params(run: Run, lang: str) -> dict[str, Any]:
    hint, s = run.hint, run.settings
    assert hint is not None
    kind = hint.bound_kind or s.optimizer
    step = hint.step
    needed = s.lr * 2 * hint.spacing / step if step and hint.spacing else None
    f_at = hint.f_at
    return {
        "lr": f"{s.lr:g}",
        "bound": num(hint.lr_bound),
        "formula": FORMULAS.get(kind, "?"),
        "optimizer": OPTIMIZER_NAMES[lang].get(kind, kind),
        "root": num(run.root),
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
    }


def hint_text(run: Run, lang: str = "en") -> str | None:
    """The hint for a run that did not converge, with its numbers; None when it converged."""
    if run.hint is None:
        return None
    lang = "ja" if lang == "ja" else "en"
    template = HINTS[lang].get(run.hint.key, HINTS[lang]["unknown"])
    params = _params(run, lang)
    text = template.format(**params)
    cause = CAUSES[lang].get(run.hint.cause or "")
    if cause:
        text = cause.format(**params) + ("" if lang == "ja" else " ") + text
    return text
