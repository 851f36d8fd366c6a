"""The words of an explanation, in English and Japanese, and how numbers are printed."""

from __future__ import annotations

import math


def fmt(value: float) -> str:
    """A number as the article prints it (7 decimals), or in e-notation when tiny or huge."""
    if not math.isfinite(value):
        return str(value)
    if value == 0 or 1e-4 <= abs(value) < 1e7:
        return f"{value:.7f}"
    return f"{value:.7e}"


TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Iteration {k} (of 0–{last}) · {eq}",
        "h_value": "① The value",
        "x": "x_{k} = {x}",
        "y": "y_{k} = f(x_{k}) = {f} = {y}   (at x = {x})",
        "h_loss": "② The loss (MSELoss against the target 0)",
        "loss": "L = (y − 0)² = ({y})² = {loss}",
        "dl_dy": "dL/dy = 2·(y − 0) = 2·({y}) = {d}",
        "h_chain": "③ The chain rule",
        "dy_dx": "dy/dx = {formula} = {d}   (at x = {x})",
        "chain": "dL/dx = dL/dy · dy/dx = {a} · {b} = {c}",
        "agrees": "autograd found dL/dx = {g}: the same.",
        "disagrees": "autograd found dL/dx = {g}: they differ beyond rounding.",
        "h_update": "④ The update ({opt})",
        "opt_sgd": "SGD",
        "opt_momentum": "SGD with momentum 0.9",
        "opt_adam": "Adam",
        "sgd": "x ← x − lr · dL/dx = {x} − {lr} · ({g}) = {new}",
        "momentum_first": "first step: the velocity starts as the gradient, v = {g}",
        "momentum": "v ← {mu} · v + dL/dx = {mu} · ({prev}) + ({g}) = {v}",
        "momentum_step": "x ← x − lr · v = {x} − {lr} · ({v}) = {new}",
        "adam_m": "m ← 0.9 · m + 0.1 · g = 0.9 · ({prev}) + 0.1 · ({g}) = {m}",
        "adam_v": "v ← 0.999 · v + 0.001 · g² = 0.999 · {prev} + 0.001 · ({g})² = {v}",
        "adam_hat": "bias corrections at t = {t}: m̂ = m / (1 − 0.9^{t}) = {m_hat}, "
        "v̂ = v / (1 − 0.999^{t}) = {v_hat}",
        "adam_step": "x ← x − lr · m̂ / (√v̂ + 1e-8) = {x} − {lr} · ({m_hat}) / (√{v_hat} + 1e-8) = {new}",
        "next": "torch's optimizer.step() gave x_{k1} = {x}",
        "h_stopped": "④ No update",
        "stopped_diverged": "The run stopped here: the numbers overflowed, so no step was taken.",
        "stopped_out_of_domain": "The run stopped here: f (or its slope) has no real value at this x, "
        "so no step was taken.",
    },
    "ja": {
        "title": "反復 {k}（0〜{last}）· {eq}",
        "h_value": "① 値",
        "x": "x_{k} = {x}",
        "y": "y_{k} = f(x_{k}) = {f} = {y}（x = {x} のとき）",
        "h_loss": "② 損失（目標値 0 に対する MSELoss）",
        "loss": "L = (y − 0)² = ({y})² = {loss}",
        "dl_dy": "dL/dy = 2·(y − 0) = 2·({y}) = {d}",
        "h_chain": "③ 連鎖律",
        "dy_dx": "dy/dx = {formula} = {d}（x = {x} のとき）",
        "chain": "dL/dx = dL/dy · dy/dx = {a} · {b} = {c}",
        "agrees": "autograd が求めた dL/dx = {g}：一致しています。",
        "disagrees": "autograd が求めた dL/dx = {g}：丸め誤差を超えて食い違っています。",
        "h_update": "④ 更新（{opt}）",
        "opt_sgd": "SGD",
        "opt_momentum": "モーメンタム 0.9 の SGD",
        "opt_adam": "Adam",
        "sgd": "x ← x − 学習率 · dL/dx = {x} − {lr} · ({g}) = {new}",
        "momentum_first": "最初のステップ：速度 v は勾配そのもの、v = {g}",
        "momentum": "v ← {mu} · v + dL/dx = {mu} · ({prev}) + ({g}) = {v}",
        "momentum_step": "x ← x − 学習率 · v = {x} − {lr} · ({v}) = {new}",
        "adam_m": "m ← 0.9 · m + 0.1 · g = 0.9 · ({prev}) + 0.1 · ({g}) = {m}",
        "adam_v": "v ← 0.999 · v + 0.001 · g² = 0.999 · {prev} + 0.001 · ({g})² = {v}",
        "adam_hat": "t = {t} のバイアス補正：m̂ = m / (1 − 0.9^{t}) = {m_hat}、"
        "v̂ = v / (1 − 0.999^{t}) = {v_hat}",
        "adam_step": "x ← x − 学習率 · m̂ / (√v̂ + 1e-8) = {x} − {lr} · ({m_hat}) / (√{v_hat} + 1e-8) = {new}",
        "next": "torch の optimizer.step() による x_{k1} = {x}",
        "h_stopped": "④ 更新なし",
        "stopped_diverged": "ここで停止しました：数値があふれたため、更新していません。",
        "stopped_out_of_domain": "ここで停止しました：この x では f（またはその傾き）が実数になりません。"
        "更新していません。",
    },
}
