"""Texts in the reader's language: gettext catalogues, the choice of language, and
numbers and dates as that language writes them (decision D121).

Each person chooses their language (``users.language``); the login page, before anyone
is known, follows the browser's ``Accept-Language``. The catalogues are
``api/locale/<language>/LC_MESSAGES/messages.po`` with their compiled ``.mo`` beside
them. Each language renders pages through its own Jinja2 environment, so concurrent
requests in different languages never share mutable gettext state.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any, Literal, get_args

from babel.core import Locale, negotiate_locale
from babel.dates import format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import Translations
from babel.units import format_unit
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response

Language = Literal["en", "es"]
"""A language pages and alerts can be read in; English is the source language."""
LANGUAGES: tuple[str, ...] = get_args(Language)
"""The languages with complete catalogues."""
DEFAULT = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
TEMPLATE_DIR = Path(__file__).parent / "templates"


def N_(message: str) -> str:  # noqa: N802 (gettext's name for "mark, translate later")
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


def check_language(value: str) -> str:
    """``value`` if it is a supported language, else a ``ValueError`` naming those allowed.

    >>> check_language("es")
    'es'
    >>> check_language("fr")
    Traceback (most recent call last):
    ValueError: language must be one of: en, es (not 'fr')
    """
    if value not in LANGUAGES:
        raise ValueError(f"language must be one of: {', '.join(LANGUAGES)} (not {value!r})")
    return value


def from_header(accept_language: str | None) -> str:
    """The supported language an ``Accept-Language`` header prefers most, else English.

    >>> from_header("es-ES,es;q=0.9,en;q=0.8"), from_header("fr, en;q=0.5"), from_header(None)
    ('es', 'en', 'en')
    """
    ranked: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            ranked.append((float(quality or 1), tag.strip()))
        except ValueError:
            continue
    preferred = [tag for _, tag in sorted(ranked, key=lambda r: -r[0]) if tag]
    return negotiate_locale(preferred, list(LANGUAGES), sep="-") or DEFAULT


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language`` (English: the source texts themselves)."""
    if language == DEFAULT:
        return NullTranslations()
    return Translations.load(LOCALE_DIR, [language])


@dataclass(frozen=True)
class Words:
    """Translation and formatting in one language, handed to code that words things."""

    language: str = DEFAULT

    def gettext(self, message: str) -> str:
        """``message`` in this language."""
        return translations(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of a message for ``n`` things, in this language."""
        return translations(self.language).ngettext(singular, plural, n)

    def number(self, value: float, digits: int = 0) -> str:
        """``value`` with ``digits`` decimals, e.g. ``'1.234,5'`` in Spanish.

        >>> Words("en").number(1234.5, 1), Words("es").number(1234.5, 1)
        ('1,234.5', '1.234,5')
        """
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, pattern, locale=self.language)

    def figures(self, value: float, digits: int = 2) -> str:
        """``value`` to ``digits`` significant figures, as ``'%.2g'`` would (small values).

        >>> Words("en").figures(12.3), Words("en").figures(0.5), Words("es").figures(0.75)
        ('12', '0.5', '0,75')
        >>> Words("es").figures(1.625, 3), Words("es").figures(0.0, 3)
        ('1,62', '0')
        """
        if value == 0:  # CLDR significant-digit patterns write zero as "0.0"
            return format_decimal(0, locale=self.language)
        return format_decimal(value, "@" + "#" * (digits - 1), locale=self.language)

    def amount(self, value: int, unit: str) -> str:
        """A count of a CLDR unit in words: ``'2 hours'``, ``'2 horas'``."""
        return format_unit(value, unit, length="long", locale=self.language)

    def either(self, items: list[str]) -> str:
        """Alternatives as this language lists them: ``'chair or motion'``.

        >>> Words("en").either(["chair", "motion"]), Words("es").either(["silla", "movimiento"])
        ('chair or motion', 'silla o movimiento')
        """
        return format_list(items, style="or", locale=self.language)

    def date(self, moment: datetime, pattern: str) -> str:
        """``moment`` in a CLDR date ``pattern``, with this language's day and month names."""
        return format_datetime(moment, pattern, locale=self.language)


ENGLISH = Words()


@dataclass(frozen=True)
class Said:
    """A message marked for the catalogue, with its values: the JSON API and the command
    line answer in English, a page in its reader's language.

    >>> refusal = Said(N_("no home %(home)r"), {"home": "h-9"})
    >>> refusal(), refusal(Words("es"))
    ("no home 'h-9'", "no existe la casa 'h-9'")
    """

    message: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __call__(self, words: Words = ENGLISH) -> str:
        text = words.gettext(self.message)
        return text % self.values if self.values else text


class SaidValueError(ValueError):
    """A validator's refusal (pydantic keeps it in the error's ``ctx``), so a page can say
    it in its reader's language."""

    def __init__(self, said: Said) -> None:
        super().__init__(said())
        self.said = said


@cache
def templates(language: str) -> Jinja2Templates:
    """The page templates rendering in ``language``: their own environment, never shared."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["language"] = language
    env.globals["languages"] = [(code, _own_name(code)) for code in LANGUAGES]
    env.filters["number"] = Words(language).number
    env.filters["figures"] = Words(language).figures
    return Jinja2Templates(env=env)


def _own_name(language: str) -> str:
    """A language's name in itself, as a menu offers it: ``'Español'``."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def page(
    request: Request,
    language: str,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The template ``name`` rendered in ``language``."""
    return templates(language).TemplateResponse(request, name, context, status_code, headers)
