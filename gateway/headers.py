"""Headers on every answer: nothing cached that carries a token, a key or personal data; no sniffing, no
referrer, no framing; HSTS once the client came over TLS; and an `Allow` that names every method of the path
(Litestar's own OPTIONS answer names only some when one path has handlers of several methods)."""

from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute

EVERY_ANSWER = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                (b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'")]
NOT_STORED = (b"cache-control", b"no-store")  # /v1 answers: the License tab carries the key, logins a token
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def allowed_methods(app: Litestar, route_handler: Any) -> bytes | None:
    """Every method of the path whose OPTIONS handler this is (None for any other handler)."""
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.route_handler_map.get("OPTIONS", (None,))[0] is route_handler:
            return ", ".join(sorted(route.methods)).encode()
    return None


async def answer_headers(message: Any, scope: Any) -> None:
    """A `before_send` hook: it sees every answer, also the router's own 404 and 405."""
    if message["type"] != "http.response.start":
        return
    api = scope["path"].startswith("/v1/")
    headers = [(k, v) for k, v in message.get("headers", []) if not (api and k.lower() == b"cache-control")]
    present = {k.lower() for k, _ in headers}
    headers += [h for h in EVERY_ANSWER if h[0] not in present]
    if api:
        headers.append(NOT_STORED)
    if scope.get("state", {}).get("over_tls"):
        headers.append(HSTS)
    if scope["method"] == "OPTIONS" and (allow := allowed_methods(scope["app"], scope.get("route_handler"))):
        headers = [(k, v) for k, v in headers if k.lower() != b"allow"] + [(b"allow", allow)]
    message["headers"] = headers
