"""The bot's words in English and Japanese; `t(lang, key, **params)` fills one in."""

from __future__ import annotations

from typing import Final

EN: Final = "en"
JA: Final = "ja"


def language(locale: str | None) -> str:
    """'ja' for a Japanese Discord locale, 'en' for every other."""
    return JA if locale and locale.lower().startswith("ja") else EN


MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "busy": "I'm busy with other runs right now. Please try again in a few seconds.",
        "cooldown": "Slow down a little: you can start another run in {seconds:.1f} s.",
        "bad_equation": "I can't read that equation: {detail}",
        "bad_setting": "That setting doesn't work: {detail}",
        "steps_too_many": "steps must be between 1 and {max}.",
        "unknown_run": "I can't find run #{run_id}. It may have been pruned; start a new one with /solve.",
        "no_runs": "You have no runs in this channel yet. Start one with /solve.",
        "iteration_range": "That run has iterations 0 to {last}; iteration {k} doesn't exist.",
        "lrs_count": "Give 2 to 8 learning rates separated by spaces, e.g. `0.001 0.01 0.05 0.2`.",
        "lrs_bad": "{value} is not a positive learning rate.",
        "worker_failed": "Something went wrong while computing this run. It was not saved; "
        "please try again.",
        "storage_down": "I can't reach the database that keeps the runs right now. "
        "Please try again in a minute.",
        "run_failed": "Something went wrong while computing this run, and trying again won't "
        "help: it is a fault on my side, logged for the maintainers. It was not saved.",
        "internal_error": "Something went wrong on my side, and trying again won't help: "
        "the fault is logged for the maintainers.",
        "internal_error_transient": "Something went wrong on my side. Please try again.",
        "no_iterations": "Run #{run_id} has no iterations to explain (it stopped before its "
        "first step).",
        "option_not_number": "That setting doesn't work: {option} must be a number.",
        "option_not_integer": "That setting doesn't work: {option} must be a whole number.",
        "option_not_text": "That setting doesn't work: {option} must be text.",
        "option_not_boolean": "That setting doesn't work: {option} must be true or false.",
        "image_not_saved": "[could not save {path}: {reason}]",
        "solve_title": "Gradient descent on {equation}",
        "settings": "Settings",
        "settings_value": "x0 = {x0} · lr = {lr} · steps = {steps} · {optimizer} · {precision}",
        "iterations": "Iterations (x, y and dL/dx before each step)",
        "result": "Result",
        "final_x": "final x",
        "nearest_root": "nearest root",
        "error": "error |x − root|",
        "no_root": "no real root found nearby",
        "outcome": "Outcome",
        "hint": "Hint",
        "run_footer": "run #{run_id} · {seconds:.2f} s · /explain iteration:1 run:{run_id}",
        "progress": "Iteration {k} / {n} · x = {x} · loss = {loss}",
        "picture_pending": "Drawing the picture…",
        "picture_failed": "The picture could not be drawn; the numbers below are complete.",
        "explain_footer": "run #{run_id}",
        "compare_title": "Learning rates compared on {equation}",
        "compare_settings": "x0 = {x0} · steps = {steps} · SGD · float32",
        "compare_line": "lr = {lr}: {outcome}, final x = {x}",
        "compare_footer": "run #{run_id} and the next ones · one batched run",
        "btn_explain": "Explain step",
        "btn_csv": "All iterations",
        "btn_half": "lr ×½",
        "btn_double": "lr ×2",
        "csv_ready": "All {n} iterations of run #{run_id}, at full precision.",
        "help_title": "gd-tutor: gradient descent, step by step",
        "help_intro": "I solve f(x) = 0 the way a deep-learning library trains a model: the loss "
        "L = f(x)² is measured, autograd finds its gradient dL/dx, and x takes a step "
        "against it, x ← x − lr · dL/dx. The learning rate lr sets the stride: too large "
        "overshoots, too small barely moves. Repeat until x settles.",
        "help_commands": "Commands",
        "help_solve": "`/solve x0:1 lr:0.01`: run it (equation, steps, optimizer, precision optional)",
        "help_explain": "`/explain iteration:1`: one step with its numbers and the chain rule",
        "help_compare": "`/compare lrs:0.001 0.01 0.05 0.2`: learning rates side by side",
        "help_help": "`/help`: this message",
        "help_equations": "Equations",
        "help_equations_value": "`x^2 = 2`, `2x + 1 = 0`, `(x-1)(x+3)`, `cos(x) = x`, `e^x = 2`, "
        "`sqrt(x) = 1.5`; functions sin cos tan exp log sqrt abs tanh, constants pi and e.",
    },
    "ja": {
        "busy": "ただいま他の計算で混み合っています。数秒後にもう一度お試しください。",
        "cooldown": "少しお待ちください。あと {seconds:.1f} 秒で次の計算を始められます。",
        "bad_equation": "その式は読み取れません：{detail}",
        "bad_setting": "その設定は使えません：{detail}",
        "steps_too_many": "steps は 1 から {max} の間で指定してください。",
        "unknown_run": "実行 #{run_id} が見つかりません。削除された可能性があります。/solve で新しく始めてください。",
        "no_runs": "このチャンネルにはまだあなたの実行がありません。/solve で始めてください。",
        "iteration_range": "この実行の反復は 0 から {last} までです。反復 {k} はありません。",
        "lrs_count": "学習率を 2〜8 個、空白で区切って指定してください（例：`0.001 0.01 0.05 0.2`）。",
        "lrs_bad": "{value} は正の学習率ではありません。",
        "worker_failed": "計算中に問題が起きました。この実行は保存されていません。もう一度お試しください。",
        "storage_down": "実行を保存するデータベースに今は接続できません。"
        "1 分ほどしてからもう一度お試しください。",
        "run_failed": "計算中にこちら側の不具合が起きました。もう一度試しても直らないため、"
        "管理者向けに記録しました。この実行は保存されていません。",
        "internal_error": "こちら側の不具合が起きました。もう一度試しても直らないため、"
        "管理者向けに記録しました。",
        "internal_error_transient": "こちら側で問題が起きました。もう一度お試しください。",
        "no_iterations": "実行 #{run_id} には説明できる反復がありません（最初のステップの前に止まりました）。",
        "option_not_number": "その設定は使えません：{option} には数を指定してください。",
        "option_not_integer": "その設定は使えません：{option} には整数を指定してください。",
        "option_not_text": "その設定は使えません：{option} には文字列を指定してください。",
        "option_not_boolean": "その設定は使えません：{option} には true か false を指定してください。",
        "image_not_saved": "[{path} を保存できませんでした：{reason}]",
        "solve_title": "{equation} の勾配降下法",
        "settings": "設定",
        "settings_value": "x0 = {x0} · 学習率 = {lr} · ステップ数 = {steps} · {optimizer} · {precision}",
        "iterations": "反復（各ステップ前の x、y、dL/dx）",
        "result": "結果",
        "final_x": "最終的な x",
        "nearest_root": "最も近い解",
        "error": "誤差 |x − 解|",
        "no_root": "近くに実数解が見つかりません",
        "outcome": "結果の判定",
        "hint": "ヒント",
        "run_footer": "実行 #{run_id} · {seconds:.2f} 秒 · /explain iteration:1 run:{run_id}",
        "progress": "反復 {k} / {n} · x = {x} · 損失 = {loss}",
        "picture_pending": "図を描いています…",
        "picture_failed": "図を描けませんでした。下の数値はすべてそろっています。",
        "explain_footer": "実行 #{run_id}",
        "compare_title": "{equation} での学習率の比較",
        "compare_settings": "x0 = {x0} · ステップ数 = {steps} · SGD · float32",
        "compare_line": "学習率 {lr}：{outcome}、最終的な x = {x}",
        "compare_footer": "実行 #{run_id} から · 一括計算",
        "btn_explain": "ステップを説明",
        "btn_csv": "全反復",
        "btn_half": "学習率 ×½",
        "btn_double": "学習率 ×2",
        "csv_ready": "実行 #{run_id} の全 {n} 反復（完全な精度）です。",
        "help_title": "gd-tutor：勾配降下法を一歩ずつ",
        "help_intro": "深層学習のライブラリがモデルを学習するのと同じ方法で f(x) = 0 を解きます。"
        "損失 L = f(x)² を測り、autograd が勾配 dL/dx を求め、x をその逆向きに動かします："
        "x ← x − 学習率 · dL/dx。学習率は歩幅です。大きすぎると行き過ぎ、小さすぎるとほとんど"
        "動きません。x が落ち着くまで繰り返します。",
        "help_commands": "コマンド",
        "help_solve": "`/solve x0:1 lr:0.01`：計算する（式・ステップ数・最適化手法・精度は任意）",
        "help_explain": "`/explain iteration:1`：1 ステップを数値と連鎖律で説明",
        "help_compare": "`/compare lrs:0.001 0.01 0.05 0.2`：学習率を並べて比較",
        "help_help": "`/help`：このメッセージ",
        "help_equations": "式の書き方",
        "help_equations_value": "`x^2 = 2`、`2x + 1 = 0`、`(x-1)(x+3)`、`cos(x) = x`、`e^x = 2`、"
        "`sqrt(x) = 1.5`。関数 sin cos tan exp log sqrt abs tanh、定数 pi と e が使えます。",
    },
}


def t(lang: str, key: str, **params: object) -> str:
    """The message `key` in `lang` (English when the language is unknown), filled with params."""
    table = MESSAGES.get(lang, MESSAGES[EN])
    return table.get(key, MESSAGES[EN][key]).format(**params)
