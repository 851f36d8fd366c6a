"""Solver refusals in the caller's language: EquationError and SettingsError by their codes."""

from __future__ import annotations

from solver import EQUATION_MESSAGES, EquationError, SettingsError

from ..text import user_text

EQUATION_JA = {
    "empty": "式が空です。x^2 - 2 のように入力してください",
    "too_long": "式が {length} 文字あります。{limit} 文字までにしてください",
    "unexpected_char": "{column} 文字目の「{char}」（{codepoint}）は使えません",
    "invisible_char": "{column} 文字目に見えない文字 {codepoint}（{name}）があります。削除してください",
    "lookalike": "{column} 文字目の「{char}」は {name} で、ラテン文字の {looks_like} ではありません。"
    "英字キーボードで {looks_like} を入力してください",
    "decimal_comma": "{column} 文字目の「,」：小数点には「.」を使ってください",
    "bracket": "{column} 文字目の「{char}」：かっこは丸かっこ ( ) を使ってください",
    "abs_bars": "{column} 文字目の「|」：|x| ではなく abs(x) と書いてください",
    "unknown_name": "{column} 文字目の「{name}」は知らない名前です。変数には x を使ってください",
    "unknown_function": "{column} 文字目の関数「{name}」は使えません。{functions} のどれかを使ってください",
    "needs_parentheses": "{column} 文字目の {name} にはかっこが必要です（{name}(x) のように）",
    "number_too_long": "{column} 文字目の数が長すぎます（{limit} 文字まで）",
    "bad_number": "{column} 文字目の数に小数点が 2 つあります",
    "missing_operator": "{column} 文字目の数の前に演算子がありません。* か + を入れてください",
    "unexpected_token": "{column} 文字目の「{found}」はここに置けません",
    "unexpected_end": "式が {column} 文字目で途中で終わっています。何かが足りません",
    "unbalanced": "{column} 文字目の「{paren}」の対応が取れていません。「(」には「)」が必要です",
    "empty_side": "{column} 文字目の「=」の片側が空です",
    "too_many_equals": "{column} 文字目に 2 つ目の「=」があります。「=」は 1 つまでです",
    "too_deep": "{column} 文字目のかっこの入れ子が深すぎます（{limit} 段まで）",
    "too_complex": "{column} 文字目のあたりで式が複雑すぎて微分できません",
    "too_large": "{column} 文字目の値が大きすぎます（{limit:g} を超えています）",
    "exponent_too_large": "{column} 文字目の指数が大きすぎます（{limit} まで）",
    "degree_too_high": "{column} 文字目の x の次数が高すぎます（{limit} まで）",
    "division_by_zero": "{column} 文字目で 0 で割っています",
    "undefined": "{column} 文字目の {expression} は定義されません",
    "no_value": "式の一部が値を持ちません（0 で割っています）",
    "result_too_large": "この式の数が大きくなりすぎます",
    "no_variable": "式に x がありません",
    "x_has_no_effect": "x が式に影響しません（x − x、0x、x⁰ のように消えます）。"
    "どの x でも同じ式なので、解くものがありません",
    "internal": "この式は読み取れませんでした",
}

SETTINGS = {
    "en": {
        "x0_not_finite": "x0 must be a finite number.",
        "lr_not_positive": "lr must be a positive number.",
        "steps_not_integer": "steps must be a whole number.",
        "x0_too_large": "x0 must lie between −{limit:.3g} and {limit:.3g} in float32; "
        "choose float64 for a larger start.",
        "lr_too_large": "lr must be at most {limit:.3g} with this optimizer in float32; "
        "choose float64 for a larger rate.",
        "equation_not_text": "the equation must be text.",
        "unknown_choice": "choose an optimizer (sgd, momentum, adam) and a precision (float32, float64).",
    },
    "ja": {
        "x0_not_finite": "x0 は有限の数にしてください。",
        "lr_not_positive": "学習率は正の数にしてください。",
        "steps_not_integer": "steps は整数で指定してください。",
        "x0_too_large": "float32 では x0 は −{limit:.3g} から {limit:.3g} の範囲にしてください。"
        "もっと大きな値から始めるには float64 を選んでください。",
        "lr_too_large": "float32 のこの最適化手法では学習率は {limit:.3g} 以下にしてください。"
        "もっと大きな学習率には float64 を選んでください。",
        "equation_not_text": "式は文字列で指定してください。",
        "unknown_choice": "最適化手法（sgd、momentum、adam）と精度（float32、float64）から選んでください。",
    },
}


def equation_error_text(error: EquationError, lang: str) -> str:
    """The parser's message in the caller's language, with the user's own text marked."""
    params = {k: user_text(v) if isinstance(v, str) else v for k, v in error.params.items()}
    table = EQUATION_JA if lang == "ja" else EQUATION_MESSAGES
    template = table.get(error.code)
    return template.format(**params) if template else user_text(str(error))


# The solver's SettingsError codes for a bad choice share one answer.
_CHOICE_CODES = ("unknown_optimizer", "unknown_precision")


def settings_error_text(error: SettingsError, lang: str) -> str:
    """A settings refusal by its SettingsError code, filled with its parameters."""
    code = "unknown_choice" if error.code in _CHOICE_CODES else error.code
    return SETTINGS["ja" if lang == "ja" else "en"][code].format(**error.params)
