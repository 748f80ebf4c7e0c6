"""The portal's words in the account's language (en, de, es, fr: the languages of the portals it follows).

Dates and amounts are written as the language writes them by Babel (CLDR's formats), as the catalogs' words
are by gettext.

Text lives in gettext catalogs, `domain/locales/<language>/LC_MESSAGES/portal.po`, kept with Babel (`pybabel
extract -k N_` finds every marked string, `pybabel update` merges, `pybabel compile` writes the `.mo` next to
each `.po`); the domain reads the compiled catalogs with the standard library alone. English is the source
language: an English message is its own id, and a message without a translation falls back to it.
"""

import gettext
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

LANGUAGES = ("en", "de", "es", "fr")
LOCALES = Path(__file__).parent / "locales"
DOMAIN = "portal"


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is defined; it is translated where it is shown."""
    return message


class Phrase(str):
    """A marked message used as a value inside another message: said in the same language as the message."""


@cache
def catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALES, languages=[language], fallback=True)


def translated(language: str, message: str) -> str:
    return catalog(speakable(language)).gettext(message)


def speakable(language: str) -> str:
    return language if language in LANGUAGES else "en"


def moment_in(language: str, moment: datetime, time_zone: str) -> str:
    """A moment as a person of the account reads it: in its language and time zone, the zone named
    ("2 déc. 2026, 10:15:00 (Europe/Paris)")."""
    return f"{format_datetime(moment, 'medium', tzinfo=ZoneInfo(time_zone), locale=speakable(language))} " \
           f"({time_zone})"


def day_in(language: str, moment: datetime, time_zone: str) -> str:
    """The day of a moment in the account's time zone, as its language writes a date ("2 déc. 2026")."""
    return format_date(moment.astimezone(ZoneInfo(time_zone)).date(), "medium", locale=speakable(language))


def money_in(language: str, cents: int, currency: str) -> str:
    """An amount in minor units as the language writes it ("1.234,50 €", "€1,234.50")."""
    return format_currency(Decimal(cents).scaleb(-2), currency, locale=speakable(language))
