"""What the OpenAPI document tells a client beyond the routes: how to authenticate (bearer token, API key,
license key) and which problem answers each operation can give, all with the one problem+json schema.

Litestar derives the document from the handlers; this adds what it cannot know, read off the same handlers
(which credential their guard asks for, whether they take a body, path or query parameters), so a new route is
described correctly without anyone remembering to.
"""

import inspect
from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (Components, OpenAPI, OpenAPIMediaType, OpenAPIResponse, OpenAPIType,
                                   Reference, Schema, SecurityScheme)
from litestar.routes import HTTPRoute

SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    "bearer": SecurityScheme(type="http", scheme="bearer", description="A login's token from POST /v1/auth/login "
                             "(or /v1/signup)"),
    "apiKey": SecurityScheme(type="http", scheme="bearer", bearer_format="pak_…",
                             description="An API key from POST /v1/api-keys, sent as a bearer token"),
    "licenseKey": SecurityScheme(type="apiKey", name="X-License-Key", security_scheme_in="header",
                                 description="The account's current license key (GET /v1/license): what the "
                                             "remote-desktop software presents"),
}

PROBLEM = Schema(type=OpenAPIType.OBJECT, required=["type", "title", "status", "detail"], properties={
    "type": Schema(type=OpenAPIType.STRING, description="urn:portal:problem:<slug>, stable for programs"),
    "title": Schema(type=OpenAPIType.STRING),
    "status": Schema(type=OpenAPIType.INTEGER),
    "detail": Schema(type=OpenAPIType.STRING, description="What went wrong, in words a person understands"),
    "instance": Schema(type=OpenAPIType.STRING),
    "field": Schema(type=OpenAPIType.STRING, description="The body field, parameter or header at fault"),
}, description="RFC 9457 problem details")

MEANINGS = {400: "The body is not JSON, or no body was sent", 401: "No valid credentials",
            403: "The credentials do not allow this", 404: "No such thing for this account",
            409: "The account's state forbids it (a limit, a conflict)",
            422: "A field, parameter or header is invalid (named in `field`)",
            429: "Too many attempts; wait for `Retry-After`",
            503: "The store or a view is not ready; retry after `Retry-After`"}

THROTTLED = ("/v1/auth/login", "/v1/auth/password/reset", "/v1/auth/2fa/disable")
FRAMEWORK = {"self", "data", "request", "state", "portal", "pool"}  # what no client sends


def credential(handler: HTTPRouteHandler) -> str | None:
    """The security scheme a handler's dependencies ask for: a bearer token (login or API key), the license
    key, or none (public)."""
    provided = handler.resolve_dependencies()
    pending, seen = list(handler.parsed_fn_signature.parameters), set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name == "token_caller":
            return "bearer"
        if name == "license_key":
            return "licenseKey"
        if name in provided:
            pending += inspect.signature(provided[name].dependency).parameters
    return None


def problems(path: str, handler: HTTPRouteHandler) -> tuple[set[int], list[dict[str, list[str]]]]:
    """The problem statuses an operation can answer, and the security it needs."""
    statuses: set[int] = set() if path == "/health" else {503}  # liveness answers whenever it can answer
    security: list[dict[str, list[str]]] = []
    scheme = credential(handler)
    if scheme:
        statuses |= {401, 403}
        security = [{"bearer": []}, {"apiKey": []}] if scheme == "bearer" else [{"licenseKey": []}]
    if "{" in path:
        statuses.add(404)
    parameters = handler.parsed_fn_signature.parameters.keys()
    if parameters - FRAMEWORK - set(handler.resolve_dependencies()):
        statuses.add(422)  # query, path or header parameters
    if "data" in parameters:
        statuses |= {400, 422}
    if handler.http_methods - {"GET", "HEAD", "OPTIONS"}:
        statuses.add(409)
    if path.startswith(THROTTLED):
        statuses.add(429)
    return statuses, security


def describe(app: Litestar) -> OpenAPI:
    """The app's OpenAPI document with security schemes and every operation's problem answers."""
    document = app.openapi_schema
    document.components = document.components or Components()
    document.components.security_schemes = SECURITY_SCHEMES
    document.components.schemas = {**(document.components.schemas or {}), "Problem": PROBLEM}
    problem = {"application/problem+json": OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in (document.paths or {}):
            continue
        item = document.paths[route.path_format]  # type: ignore[index]
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None)
                if operation is None:
                    continue
                statuses, security = problems(route.path_format, handler)
                answers: dict[str, Any] = operation.responses or {}
                answers.pop("400", None)  # Litestar's own validation answer: ours are problem+json, below
                for status in sorted(statuses):
                    answers[str(status)] = OpenAPIResponse(description=MEANINGS[status], content=problem)
                operation.responses = answers
                operation.security = security or None
    return document
