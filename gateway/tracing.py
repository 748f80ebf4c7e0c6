"""Request ids: each request gets one (or keeps a well-formed X-Request-ID it sent), which is echoed in the
response and recorded with every event the request causes, so audit entries of one request tie together."""

import re
import uuid
from typing import Any

from litestar import Request

from domain.actor import Actor

_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def note_request_id(scope: Any) -> str:
    """The request's id, recorded in its state (gateway/edge.py echoes it in the answer)."""
    given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode("latin-1")
    request_id = given if _WELL_FORMED.match(given) else uuid.uuid4().hex
    scope.setdefault("state", {})["request_id"] = request_id
    return request_id


def client_address(request: Request) -> str:
    """Set by gateway/addresses.py: the peer, or the first untrusted hop behind trusted proxies."""
    return request.scope["state"]["client_address"]


def request_actor(request: Request, kind: str, name: str, role: str | None = None) -> Actor:
    return Actor(kind=kind, name=name, role=role, address=client_address(request),
                 user_agent=request.headers.get("user-agent"), request_id=request.scope["state"]["request_id"])
