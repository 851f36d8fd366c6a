"""Japanese names and descriptions for the slash commands (discord.py's Translator)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

NAMES = {
    "solve": "解く",
    "explain": "説明",
    "compare": "比較",
    "help": "ヘルプ",
    "x0": "初期値",
    "lr": "学習率",
    "steps": "ステップ数",
    "equation": "式",
    "optimizer": "最適化手法",
    "precision": "精度",
    "iteration": "反復",
    "run": "実行",
    "lrs": "学習率リスト",
}

TEXTS = {
    "Run gradient descent on f(x) = 0 with PyTorch": "PyTorch の勾配降下法で f(x) = 0 を解く",
    "Walk through one iteration with its numbers": "1 回の反復を数値とともに説明する",
    "Compare several learning rates side by side": "複数の学習率を並べて比較する",
    "What gradient descent does here, and the commands": "勾配降下法の考え方とコマンドの使い方",
    "Starting x (default 1)": "x の初期値（既定 1）",
    "Learning rate, greater than 0 (default 0.01)": "学習率、0 より大きい値（既定 0.01）",
    "Number of iterations (default 100)": "反復回数（既定 100）",
    "The equation, e.g. x^2 = 2 (default x**2 - 2)": "式、例：x^2 = 2（既定 x**2 - 2）",
    "sgd, momentum (0.9) or adam (default sgd)": "sgd、momentum (0.9)、adam のいずれか（既定 sgd）",
    "float32 like the article, or float64": "記事と同じ float32、または float64",
    "Which iteration, from 0": "何回目の反復か（0 から）",
    "Which run (default: your latest in this channel)": "どの実行か（既定：このチャンネルでの最新）",
    "2 to 8 learning rates, e.g. 0.001 0.01 0.05 0.2": "2〜8 個の学習率、例：0.001 0.01 0.05 0.2",
    "SGD": "SGD",
    "SGD with momentum 0.9": "モーメンタム 0.9 の SGD",
    "Adam": "Adam",
    "float32 (single, as in the article)": "float32（単精度、記事と同じ）",
    "float64 (double)": "float64（倍精度）",
}

_NAME_PLACES = (Where.command_name, Where.group_name, Where.parameter_name)


class JapaneseTranslator(app_commands.Translator):
    """Offers Japanese for every command, option and choice; other locales keep English."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The Japanese text for `string`, or None to keep the English."""
        if locale is not discord.Locale.japanese:
            return None
        table = NAMES if context.location in _NAME_PLACES else TEXTS
        return table.get(string.message)
