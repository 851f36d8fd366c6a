"""gd-tutor's words: one catalogue per language, looked up by `t(lang, key, **params)`.

Each language is one TOML file here named by its code (en.toml, ja.toml; a third language
is one new file). Keys are namespaced by area: bot.busy, outcome.converged,
hint.oscillating, equation.unexpected_char, explain.h_chain, plot.x_title,
command.solve.description, option.steps.name. English is the fallback.
"""

from .catalogue import FALLBACK, Language, language, language_of, languages, load_languages, t

__all__ = ["FALLBACK", "Language", "language", "language_of", "languages", "load_languages", "t"]
