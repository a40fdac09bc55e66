"""An alert's explanation written once, as phrases any language can word (decision D132).

A detector writes each sentence as a gettext message with named places and hands over
the values: ``N_("Quiet for %(hours).1f hours.", hours=2.5)``. :func:`word` fills them in
English for the alert's stored ``explanation``; the API words the same phrases in its
reader's language through the catalogue (api/alert_words.py). The markers are named as
gettext's so that ``pybabel extract`` finds them (babel.cfg); they translate nothing.
Numbers are formatted by the wording, so a Spanish reader sees ``0,8`` where the English
says ``0.8``.
"""

import re
from collections.abc import Iterable
from typing import Protocol

from carewatch.protocol import Phrase

Value = str | int | float | Phrase
# a named place: %(name)s, %(name).1f, %(name)d; or a literal %% (a number in %(name)s is
# shown whole, or to one decimal if it has them)
PLACE = re.compile(r"%\((\w+)\)(?:\.(\d+))?([sdf])|%%")


def N_(text: str, **values: Value) -> Phrase:  # noqa: N802 (gettext's marker)
    """A phrase marked for the catalogue.

    >>> word([N_("Up since %(since)s, %(minutes).0f minutes.", since="02:10", minutes=41.6)])
    'Up since 02:10, 42 minutes.'
    """
    return Phrase(text, values)


def ngettext(singular: str, plural: str, count: float, **values: Value) -> Phrase:
    """A phrase with singular and plural forms, chosen by ``count`` (a value, ``%(count)d``).

    >>> word([ngettext("%(count)s time", "%(count)s times", n) for n in (1, 3, 1.5, 2.0)])
    '1 time 3 times 1.5 times 2 times'
    """
    return Phrase(singular, {"count": count, **values}, plural)


class Wording(Protocol):
    """A language: its catalogue and how it writes numbers (api.i18n.Words is one)."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...

    def number(self, value: float, digits: int = 0) -> str: ...


class English:
    """The source language, as the detectors have always written it (no digit grouping)."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def number(self, value: float, digits: int = 0) -> str:
        return f"{value:.{digits}f}"


ENGLISH = English()


def word(phrases: Iterable[Phrase], wording: Wording = ENGLISH) -> str:
    """The phrases in ``wording``'s language, joined by spaces."""
    return " ".join(_word(phrase, wording) for phrase in phrases)


def _word(phrase: Phrase, wording: Wording) -> str:
    values = phrase.values
    if phrase.plural is None:
        text = wording.gettext(phrase.text)
    else:
        count = values.get("count", 0)
        n = count if isinstance(count, int) else 1 if count == 1 else 2  # 1.5: the plural
        text = wording.ngettext(phrase.text, phrase.plural, n)

    def fill(place: re.Match[str]) -> str:
        name, digits, kind = place.groups()
        if name is None:
            return "%"
        value = values[name]
        if isinstance(value, Phrase):
            return _word(value, wording)
        if isinstance(value, str):
            return value
        if kind == "s":  # a number as it is: whole, or to one decimal
            digits = "0" if float(value).is_integer() else "1"
        return wording.number(value, int(digits or 0))

    return PLACE.sub(fill, text)
