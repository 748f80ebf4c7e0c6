"""The field types of requests, shared by every controller: free text, e-mail addresses, codes, pages, times.

A pattern's error reads as the sentence it was declared with (`READABLE`, used by gateway/problems.py), never
as the regular expression itself."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar, get_args

import msgspec
from email_validator import EmailNotValidError, validate_email
from litestar.exceptions import ValidationException
from litestar.openapi.spec import OpenAPIFormat, OpenAPIType, Schema
from litestar.params import Parameter
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

from domain.catalog import CATALOG
from domain.errors import InvalidValue, WeakPassword, in_language
from domain.i18n import N_, Phrase, translated
from domain.text import PARAGRAPHS, PARAGRAPHS_SENTENCE, PLAIN, SENTENCE

READABLE: dict[str, str] = {}  # repr(pattern), as msgspec quotes it in errors -> what the value must be
MAX_INT64 = 2**63 - 1  # PostgreSQL's bigint: positions beyond it cannot exist


def described(sentence: str, pattern: str, **constraints: Any) -> msgspec.Meta:
    """A msgspec constraint whose pattern is explained by `sentence` in errors and in the API docs."""
    READABLE[repr(pattern)] = sentence
    return msgspec.Meta(pattern=pattern, description=sentence[0].upper() + sentence[1:], **constraints)


def parameter(sentence: str, pattern: str, **kwargs: Any) -> Any:
    """The same for a query, path or header parameter."""
    READABLE[repr(pattern)] = sentence
    return Parameter(pattern=pattern, description=kwargs.pop("description", sentence), **kwargs)


KINDS = {"str": N_("text"), "int": N_("a whole number"), "bool": N_("true or false"), "object": N_("an object"),
         "array": N_("a list"), "null": N_("null"), "float": N_("a number"), "datetime": N_("a time"),
         "uuid": N_("a UUID")}


def kind(name: str) -> str:
    return Phrase(KINDS[name]) if name in KINDS else name


MSGSPEC_SAYS: list[tuple[re.Pattern[str], str, Callable[[re.Match[str]], dict[str, object]]]] = [
    # msgspec's wording of a constraint, as a sentence with its values
    (re.compile(r"Expected `str` of length <= (\d+)"), N_("at most {n} characters"), lambda m: {"n": m[1]}),
    (re.compile(r"Expected `str` of length >= (\d+)"), N_("at least {n} characters"), lambda m: {"n": m[1]}),
    (re.compile(r"Expected `int` <= (\d+)"), N_("a whole number no greater than {n}"), lambda m: {"n": m[1]}),
    (re.compile(r"Expected `int` >= (\d+)"), N_("a whole number of at least {n}"), lambda m: {"n": m[1]}),
    (re.compile(r"Expected `(\w+)(?: \| null)?`, got `(\w+)`"), N_("{wanted}, not {got}"),
     lambda m: {"wanted": kind(m[1]), "got": kind(m[2])}),
]


def readable(message: str, language: str = "en") -> str:
    """msgspec's "Expected `str` matching regex '...'" as the sentence the pattern was declared with, and its
    other constraints in words, in the language."""
    if sentence := READABLE.get(message.removeprefix("Expected `str` matching regex ")):
        return translated(language, sentence)
    if message.startswith(EMAIL_SENTENCE):  # and email-validator's reason, in English
        return translated(language, EMAIL_SENTENCE) + message[len(EMAIL_SENTENCE):]
    for said, sentence, values in MSGSPEC_SAYS:
        if match := said.fullmatch(message):
            return in_language(language, sentence, values(match))
    return message


# Free text: names, comments, reasons, addresses. Sizes are what a form field holds.
Text = Annotated[str, described(SENTENCE, PLAIN)]
Name = Annotated[Text, msgspec.Meta(min_length=1, max_length=200)]
Line = Annotated[Text, msgspec.Meta(max_length=200)]
Comment = Annotated[Text, msgspec.Meta(max_length=2_000)]
Reason = Annotated[Text, msgspec.Meta(min_length=1, max_length=500)]
Paragraphs = Annotated[str, described(PARAGRAPHS_SENTENCE, PARAGRAPHS)]  # a message of several lines
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]  # any character: it is only hashed
Code = Annotated[str, described(N_("the 6 digits of your authenticator app, or one of your recovery codes"),
                                r"^[0-9A-Za-z-]{6,24}$")]  # recovery codes: 16 characters in dashed groups
SixDigits = Annotated[str, described("the 6 digits of the e-mailed code, such as 048213", r"^[0-9]{6}$")]


class EmailAddress(str):
    """An e-mail address checked by email-validator: one plain address (no display name, quoting or IP
    literal), no control characters; deliverability is not checked (no DNS at request time)."""


EMAIL_SENTENCE = N_("an e-mail address such as ann@example.com")


def checked_email(value: str) -> str:
    """The address as email-validator normalises it (its domain lower-cased); ValueError saying why not."""
    try:
        # test_environment admits RFC 2606's `.test` names, which the dev stack's logins use.
        checked = validate_email(value.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError as e:
        raise ValueError(f"{EMAIL_SENTENCE} ({e})") from None
    return checked.normalized


def email_address(_: type, value: Any) -> EmailAddress:
    if not isinstance(value, str):
        raise TypeError("Expected `str`")
    return EmailAddress(checked_email(value))


TYPE_DECODERS = [(lambda t: t is EmailAddress, email_address)]


class EmailAddressSchema(OpenAPISchemaPlugin):
    """Documents EmailAddress as the string it is."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is EmailAddress

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.EMAIL, max_length=254,
                      description=EMAIL_SENTENCE[0].upper() + EMAIL_SENTENCE[1:])


# Query, path and header parameters.
Plain = parameter(SENTENCE, PLAIN, max_length=200)  # a filter or an id in the path
SearchText = Annotated[str | None, parameter(SENTENCE, PLAIN, max_length=100,
                                             description="Part of the client id or alias")]
Cursor = Annotated[str | None, parameter(N_("a cursor from the previous page"), r"^[A-Za-z0-9_-]{1,400}$")]
Limit = Annotated[int, Parameter(ge=1, le=500, description="Rows per page")]
Order = Literal["asc", "desc"]
After = Parameter(ge=0, le=MAX_INT64, description="Answer entries after this position (the previous page's "
                                                  "`next_after`)")
ZONE_RULE = N_("an ISO 8601 time with its time zone offset, e.g. 2026-01-01T00:00:00Z")
MomentText = Annotated[str | None, Parameter(max_length=40, description=ZONE_RULE.capitalize())]


def moment(text: str | None, field: str) -> datetime | None:
    """One rule for every time a caller sends: ISO 8601 with a zone (a number or a zone-less time is refused)."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InvalidValue(N_("{field}: {rule}"), field=field, rule=Phrase(ZONE_RULE))
    return value


ProductCode = Literal["free", "lite", "professional", "power", "performance", "enterprise"]  # others are a 422
if set(get_args(ProductCode)) != {p.code for p in CATALOG}:
    raise ImportError("gateway.fields.ProductCode must name exactly the products of domain/catalog.py")

COMMON_PASSWORDS = frozenset({"password", "passwort", "contraseña", "motdepasse", "qwertzuiop", "qwertyuiop",
                              "1234567890", "0123456789", "letmein123", "iloveyou12", "administrator",
                              "password123", "welcome123", "changeme123", "anydesk123", "portal1234"})


def weakness(password: str, email: str) -> str | None:
    """Why a password is too weak, or None. Length beats complexity rules (NIST SP 800-63B)."""
    if len(password) < 10:
        return N_("must be at least 10 characters long")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return N_("is too common or too repetitive")
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in password.lower():
        return N_("must not contain your e-mail address")
    return None


def require_strong(password: str, email: str, field: str = "password") -> None:
    if reason := weakness(password, email):
        raise WeakPassword(N_("{field}: {rule}"), field=field, rule=Phrase(reason))


T = TypeVar("T")


def given(value: T | None, name: str) -> T:
    """A required query parameter, declared optional so that the credentials are checked before it: its
    absence answers, after them, what a missing parameter always answers (a 422 naming it)."""
    if value is None:
        raise ValidationException(f"Missing required query parameter {name!r}")
    return value
