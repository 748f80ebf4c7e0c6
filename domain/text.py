"""Free text as people type it: any Unicode letter, mark, symbol or emoji, but no control characters (they
break storage, logs and CSV; NUL is refused by PostgreSQL) and no bidirectional overrides (they make a name
read differently from what it is). The gateway builds its field types from this one definition."""

import re

from domain.errors import InvalidValue
from domain.i18n import N_, Phrase

# C0 controls, DEL and C1 controls; the embedding, override and isolate controls of Unicode's bidi algorithm.
FORBIDDEN = r"\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
PLAIN = f"^[^{FORBIDDEN}]*$"  # a whole value without any of them (also a JSON Schema `pattern`)
_FORBIDDEN = re.compile(f"[{FORBIDDEN}]")
SENTENCE = N_("text without control characters (such as NUL or line breaks) or direction overrides")
# Several paragraphs (a message): line breaks and tabs are text there; every other control stays forbidden.
IN_PARAGRAPHS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
PARAGRAPHS = f"^[^{IN_PARAGRAPHS}]*$"
_FORBIDDEN_IN_PARAGRAPHS = re.compile(f"[{IN_PARAGRAPHS}]")
PARAGRAPHS_SENTENCE = N_("text without control characters other than line breaks and tabs (such as NUL), or "
                         "direction overrides")


def is_plain(value: str) -> bool:
    return _FORBIDDEN.search(value) is None


def plain_text(value: str, field: str) -> str:
    """The value, if it is plain text; InvalidValue naming the field otherwise."""
    if not is_plain(value):
        raise InvalidValue(N_("{field}: {rule}"), field=field, rule=Phrase(SENTENCE))
    return value


def paragraphs(value: str, field: str) -> str:
    """The value, if it is text of several lines without other control characters; InvalidValue otherwise."""
    if _FORBIDDEN_IN_PARAGRAPHS.search(value) is not None:
        raise InvalidValue(N_("{field}: {rule}"), field=field, rule=Phrase(PARAGRAPHS_SENTENCE))
    return value
