"""AnyDesk's own error shape, `{"code", "error"}` (and on a refused signature what the server signed), for every
error under the compatible prefix: this router's exception handlers, mapped here in one place."""

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from domain.errors import (AliasLimitReached, AliasTaken, ConcurrentChange, DomainError, InvalidAlias, NotAllowed,
                           NotFound, SessionNotActive)

log = logging.getLogger("portal.gateway")

DOMAIN_CODES: dict[type[DomainError], tuple[int, str]] = {
    NotFound: (404, "not_found"),
    SessionNotActive: (404, "not_found"),  # AnyDesk closes active sessions only; others are not found
    InvalidAlias: (400, "invalid_alias"),
    AliasLimitReached: (402, "namespace_full"),
    AliasTaken: (409, "alias_in_use"),
    NotAllowed: (403, "not_allowed"),
    ConcurrentChange: (409, "conflict"),
}


HTTP_CODES = {400: "invalid_request", 401: "unauthorized", 403: "not_allowed", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 503: "unavailable"}


class AnyDeskError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def answer(status: int, code: str, message: str, headers: dict[str, str] | None = None,
           **extra: Any) -> Response[Any]:
    return Response({"code": code, "error": message, **extra}, status_code=status, media_type="application/json",
                    headers=headers)


def _anydesk(request: Request[Any, Any, Any], exc: AnyDeskError) -> Response[Any]:
    return answer(exc.status, exc.code, exc.message, **exc.extra)


def _domain(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    status, code = DOMAIN_CODES.get(type(exc), (409, "not_allowed"))
    return answer(status, code, exc.detail)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, ValidationException):  # a parameter or the body: say which, and what is wrong with it
        errors = [e for e in exc.extra if isinstance(e, dict)] if isinstance(exc.extra, list) else []
        said = "; ".join(f"{e.get('key') or 'body'}: {e.get('message', '')}" for e in errors)
        return answer(400, "invalid_request", said or exc.detail)
    return answer(exc.status_code, HTTP_CODES.get(exc.status_code, "error"), exc.detail, exc.headers)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error", extra={"path": request.url.path})
    return answer(500, "internal_error", "Something went wrong on our side")


EXCEPTION_HANDLERS = {AnyDeskError: _anydesk, DomainError: _domain, HTTPException: _http, Exception: _unexpected}
