"""Every error as RFC 9457 application/problem+json, mapped in this one place."""

import logging
import re
from typing import Any

import asyncpg
import psycopg
from asyncpg.exceptions._base import DataError as AsyncpgArgumentError  # a value asyncpg cannot send
from eventsourcing.persistence import DataError as StoreDataError, InterfaceError, OperationalError
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from domain.errors import (AccessEnded, ActiveDeviceLimitReached, AliasTaken, ConcurrentChange,
                           CustomClientLimitReached, CustomerLimitReached, DomainError, DomainTaken, EmailTaken,
                           InvalidCredentials, InvalidLicenseKey, InvalidValue, LoginDisabled, NamespaceTaken,
                           NotAllowed, NotFound, NotInPlan, ResellerClientLimitReached, RuleViolation, SeatLimitReached,
                           SecondFactorRequired, SessionLimitReached, TooManyRequests, TwoFactorFailed, UpgradeRequired,
                           WeakPassword)
from domain.errors import in_language
from domain.i18n import N_, Phrase, translated
from gateway.language import answer_language
from gateway.fields import readable
from projections.paging import BadCursor

log = logging.getLogger("portal.gateway")

DOMAIN_STATUS: dict[type[DomainError], tuple[int, str]] = {
    NotFound: (404, "not-found"),
    EmailTaken: (409, "email-taken"),
    NamespaceTaken: (409, "namespace-taken"),
    DomainTaken: (409, "domain-taken"),
    ConcurrentChange: (409, "concurrent-change"),
    RuleViolation: (409, "rule-violation"),
    InvalidValue: (422, "validation"),
    WeakPassword: (422, "weak-password"),
    SeatLimitReached: (409, "seat-limit-reached"),
    SessionLimitReached: (409, "session-limit-reached"),
    ActiveDeviceLimitReached: (409, "active-device-limit-reached"),
    AliasTaken: (409, "alias-taken"),
    InvalidLicenseKey: (401, "invalid-license-key"),
    TwoFactorFailed: (401, "two-factor-failed"),
    InvalidCredentials: (401, "invalid-credentials"),
    SecondFactorRequired: (401, "two-factor-required"),
    LoginDisabled: (403, "account-disabled"),
    NotAllowed: (403, "forbidden"),
    UpgradeRequired: (402, "upgrade-required"),
    CustomClientLimitReached: (409, "custom-client-limit-reached"),
    CustomerLimitReached: (409, "customer-limit-reached"),
    ResellerClientLimitReached: (409, "reseller-client-limit-reached"),
    NotInPlan: (409, "not-in-plan"),
    AccessEnded: (409, "access-ended"),
    TooManyRequests: (429, "too-many-requests"),
}

TITLES = {400: N_("Bad request"), 401: N_("Unauthorized"), 402: N_("Payment required"), 403: N_("Forbidden"),
          404: N_("Not found"), 405: N_("Method not allowed"), 409: N_("Conflict"),
          413: N_("Request body too large"), 415: N_("Unsupported media type"), 416: N_("Range not satisfiable"),
          422: N_("Unprocessable content"), 429: N_("Too many requests"), 500: N_("Internal server error"),
          503: N_("Service unavailable")}


LITESTAR_SAYS = (N_("Not Found"), N_("Method Not Allowed"))  # Litestar's own details, for the catalogs


class Problem(HTTPException):
    """An error the gateway raises itself, with a problem type and, where it applies, the field at fault. Its
    message is a catalog id with named places, as a domain error's is (domain/errors.py)."""

    def __init__(self, status: int, slug: str, message: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None, **values: object) -> None:
        self.values = {"field": field, **values} if field else values
        super().__init__(status_code=status, detail=in_language("en", message, self.values), headers=headers)
        self.slug = slug
        self.field = field
        self.message = message

    def detail_in(self, language: str) -> str:
        return in_language(language, self.message, self.values)


def problem(request: Request[Any, Any, Any], status: int, slug: str, detail: str,
            extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Response[Any]:
    title = translated(answer_language(request), TITLES.get(status, "Error"))  # the caller's, or Accept-Language
    body = {"type": f"urn:portal:problem:{slug}", "title": title, "status": status,
            "detail": detail, "instance": request.url.path, **(extra or {})}
    return Response(body, status_code=status, media_type="application/problem+json", headers=headers)


def _validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    language = answer_language(request)
    errors = [{"field": _field(e.get("key"), e.get("message", "")),
               "message": readable(e.get("message", ""), language)}
              for e in (exc.extra if isinstance(exc.extra, list) else []) if isinstance(e, dict)]
    if any(e["field"] == "body" and e["message"] == "'data'" for e in errors):  # no body at all
        return problem(request, 400, "malformed-body", translated(language, N_("The request needs a JSON body")))
    if missing := MISSING_PARAMETER.match(str(exc.detail)):
        name = missing.group(2)
        return problem(request, 422, "validation",
                       in_language(language, REQUIRED[missing.group(1)], {"field": name}), {"field": name})
    if not errors:
        return problem(request, 400, "bad-request", exc.detail)
    if any("JSON" in e["message"] or "malformed" in e["message"].lower() for e in errors):
        return problem(request, 400, "malformed-body", translated(language, N_("The request body is not valid JSON")),
                       {"errors": errors} if errors else None)
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(request, 422, "validation", detail, {"field": errors[0]["field"], "errors": errors})


HEADER_FIELDS = {"min_position": "X-Min-Position", "last_event_id": "Last-Event-ID"}  # parameters read from headers, named as sent


REQUIRED = {"query": N_("{field}: this query parameter is required"),
            "header": N_("{field}: this header parameter is required"),
            "path": N_("{field}: this path parameter is required"),
            "cookie": N_("{field}: this cookie parameter is required")}
MISSING_PARAMETER = re.compile(r"Missing required (query|header|path|cookie) parameter '([^']+)'")  # Litestar's
NAMED_IN_MESSAGE = re.compile(r"field `([^`]+)`")  # msgspec: "Object missing required field `name`"


def _field(key: str | None, message: str = "") -> str:
    name = (key or "body").removeprefix("$.")
    if name == "data":  # the whole body: the field at fault is named in the message, if anywhere
        named = NAMED_IN_MESSAGE.search(message)
        name = named.group(1) if named else "body"
    return HEADER_FIELDS.get(name, name)


REFUSED_BODY = "portal.refused_body"  # scope state: the body's refusal, kept until the credentials are checked


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    refused_body = request.scope.get("state", {}).pop(REFUSED_BODY, None)
    if refused_body is not None and isinstance(exc, ValidationException):  # the handler's `data` is missing
        exc = refused_body
    if isinstance(exc, ValidationException):
        return _validation(request, exc)
    slug = getattr(exc, "slug", None) or TITLES.get(exc.status_code, "error").lower().replace(" ", "-")
    if exc.status_code == 400 and "JSON is malformed" in str(exc.detail):
        slug = "malformed-body"
    field = getattr(exc, "field", None)  # a Problem names its field; Litestar's own exceptions do not
    extra = {"field": field} if field else None
    language = answer_language(request)  # Litestar's own words are translated where the catalogs have them
    detail = exc.detail_in(language) if isinstance(exc, Problem) else translated(language, exc.detail)
    return problem(request, exc.status_code, slug, detail, extra, exc.headers)


def _domain(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    # The nearest mapped class: a named refinement (InvalidAlias) answers as what it refines (InvalidValue).
    status, slug = next((DOMAIN_STATUS[c] for c in type(exc).__mro__ if c in DOMAIN_STATUS), (409, "rule-violation"))
    wait = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    return problem(request, status, slug, exc.detail_in(answer_language(request)),
                   {"field": exc.field} if exc.field else None, wait)


def _bad_cursor(request: Request[Any, Any, Any], exc: BadCursor) -> Response[Any]:
    return problem(request, 422, "validation", in_language(answer_language(request), N_("{field}: {rule}"),
                                                          {"field": "cursor", "rule": Phrase(str(exc))}),
                   {"field": "cursor"})


def _unstorable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # The last line of defence: a value PostgreSQL refuses (a NUL, a number out of range) that a field type
    # should have refused first. Log it so that field gets its type.
    log.warning("database refused a value: %s", exc, extra={"path": request.url.path})
    return problem(request, 400, "unstorable-value", translated(answer_language(request), N_(
        "A value in this request cannot be stored or searched (e.g. a NUL character or a number out of range)")))


def _unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # The database is down or unreachable: say so; never answer a command with a false success.
    log.warning("store unavailable: %s", exc, extra={"path": request.url.path})
    return problem(request, 503, "store-unavailable", translated(answer_language(request), N_(
        "The event store or a read model is unavailable; retry shortly")), headers={"Retry-After": "2"})


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error", extra={"path": request.url.path})
    return problem(request, HTTP_500_INTERNAL_SERVER_ERROR, "internal",
                   translated(answer_language(request), N_("Something went wrong on our side")))


EXCEPTION_HANDLERS = {HTTPException: _http, DomainError: _domain, BadCursor: _bad_cursor,
                      asyncpg.DataError: _unstorable, AsyncpgArgumentError: _unstorable,
                      psycopg.DataError: _unstorable, StoreDataError: _unstorable,
                      OperationalError: _unavailable,
                      InterfaceError: _unavailable, OSError: _unavailable,
                      asyncpg.PostgresConnectionError: _unavailable,
                      asyncpg.CannotConnectNowError: _unavailable,
                      asyncpg.exceptions.OperatorInterventionError: _unavailable,  # e.g. PostgreSQL shutting down
                      asyncpg.exceptions.InternalClientError: _unavailable,  # a pooled connection the server closed
                      Exception: _unexpected}
