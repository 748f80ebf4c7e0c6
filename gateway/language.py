"""The language of an answer: the caller's account's language once the token check has seen it, otherwise the
best of the request's `Accept-Language` that the portal speaks (sign-up, log-in, password reset)."""

from typing import Any

from babel import Locale, UnknownLocaleError, negotiate_locale
from litestar import Request

from domain.i18n import LANGUAGES

STATE_KEY = "language"  # request.state: set by the token check (gateway/identity.py)


def preferred(header: str) -> list[str]:
    """The header's languages, most wanted first (by their q values; invalid entries are ignored)."""
    ranked = []
    for index, part in enumerate(header.split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
            language = Locale.parse(tag.strip(), sep="-").language if tag.strip() not in ("", "*") else None
        except (ValueError, UnknownLocaleError):
            continue
        if language and weight > 0:
            ranked.append((-weight, index, language))
    return [language for _, _, language in sorted(ranked)]


def answer_language(request: Request[Any, Any, Any]) -> str:
    known = request.scope.get("state", {}).get(STATE_KEY)
    if known:
        return str(known)
    return negotiate_locale(preferred(request.headers.get("accept-language", "")), LANGUAGES) or "en"
