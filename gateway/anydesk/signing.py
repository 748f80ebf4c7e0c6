"""AnyDesk's request signature: `Authorization: AD <license_id>:<timestamp>:<token>`, where the token is
base64(HMAC-SHA1(api_password, METHOD \\n resource \\n timestamp \\n base64(SHA1(body)))) and the resource is
the path below the API's root with its query string exactly as sent."""

import base64
import hashlib
import hmac
import re
from typing import Any

import msgspec

HEADER = re.compile(r"^AD (?P<license_id>[0-9]{1,32}):(?P<timestamp>[^:]{1,20}):(?P<token>[A-Za-z0-9+/=]{1,64})$")


class Authorization(msgspec.Struct, frozen=True, kw_only=True):
    license_id: str
    timestamp: str  # as sent: the signature covers these very characters
    token: str


def content_hash(body: bytes) -> str:
    return base64.b64encode(hashlib.sha1(body).digest()).decode()


def token(password: str, method: str, resource: str, timestamp: str, body_hash: str) -> str:
    message = f"{method}\n{resource}\n{timestamp}\n{body_hash}".encode()
    return base64.b64encode(hmac.new(password.encode(), message, hashlib.sha1).digest()).decode()


def parse_authorization(header: str) -> Authorization | None:
    match = HEADER.match(header.strip())
    return Authorization(**match.groupdict()) if match else None


def signed_resource(scope: Any, root: str) -> str:
    """The resource as the client signed it: the raw path (not decoded) below `root`, and the raw query string
    (bare flags such as `?online` included)."""
    raw: bytes = scope.get("raw_path") or scope["path"].encode()
    path, query = raw.decode("latin-1"), scope.get("query_string", b"").decode("latin-1")
    return path.removeprefix(root) + (f"?{query}" if query else "")
