"""The portal's words in the account's language (en, de, es, fr: the languages of the portals it follows).

Text lives in gettext catalogs, `domain/locales/<language>/LC_MESSAGES/portal.po`, kept with Babel (`pybabel
extract -k N_` finds every marked string, `pybabel update` merges, `pybabel compile` writes the `.mo` next to
each `.po`); the domain reads the compiled catalogs with the standard library alone. English is the source
language: an English message is its own id, and a message without a translation falls back to it.
"""

import gettext
from functools import cache
from pathlib import Path

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
    return catalog(language if language in LANGUAGES else "en").gettext(message)
