"""Who is calling the AnyDesk-compatible API: every request's signature checked before anything else (path,
query or body), against the license's sealed password; stale timestamps and replays refused."""

import hmac
import time
from typing import Any, cast
from uuid import UUID

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from domain.actor import Actor
from gateway.anydesk.errors import AnyDeskError
from gateway.anydesk.signing import content_hash, parse_authorization, signed_resource, token
from gateway.dependencies import read_models
from gateway.sealing import SealBroken, sealer
from gateway.tracing import request_actor
from projections.anydesk_credentials import credential, first_sight

ROOT = "/anydesk"  # where the API is mounted; clients sign the path below it
WINDOW_SECONDS = 300  # a timestamp further off than this is refused
SHOWN_CHARACTERS = 3  # of the API password, in /sysinfo


class Licensee(msgspec.Struct, frozen=True, kw_only=True):
    account_id: UUID
    license_id: str
    masked_password: str
    actor: Actor


def masked(password: str) -> str:
    return "*" * (len(password) - SHOWN_CHARACTERS) + password[-SHOWN_CHARACTERS:]


async def signed(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """The router's guard: on success the request's state holds the Licensee."""
    connection = cast(Request[Any, Any, Any], connection)  # only HTTP routes live under the prefix
    state = connection.app.state
    resource = signed_resource(connection.scope, ROOT)
    body_hash = content_hash(await connection.body())
    auth = parse_authorization(connection.headers.get("authorization", ""))

    def refused(status: int, code: str, message: str) -> AnyDeskError:
        # What the server signed, so a client can see where its own computation differs.
        return AnyDeskError(status, code, message, method=connection.method, resource=resource,
                            **{"request-time": auth.timestamp if auth else None, "content-hash": body_hash})

    if auth is None:
        raise refused(401, "invalid_authorization", "Send Authorization: AD <license-id>:<timestamp>:<token>")
    if not auth.timestamp.isdigit() or abs(time.time() - int(auth.timestamp)) > WINDOW_SECONDS:
        raise refused(401, "invalid_timestamp", "The timestamp is more than 5 minutes off the server's clock")
    if state.settings.secrets_key is None:
        raise AnyDeskError(503, "unavailable", "The API is not configured on this server (PORTAL_SECRETS_KEY)")
    pool = read_models(state)
    found = await credential(pool, auth.license_id)
    try:
        password = sealer(state.settings.secrets_key).open(found.sealed_password, auth.license_id) if found else ""
    except SealBroken:  # sealed under another PORTAL_SECRETS_KEY: only a new password helps
        raise refused(401, "invalid_token", "The API password must be reset (POST /v1/license/api-password)") from None
    expected = token(password, connection.method, resource, auth.timestamp, body_hash)
    if found is None or not hmac.compare_digest(expected, auth.token):
        raise refused(401, "invalid_token", "The token does not match this request and the license's API password")
    if found.disabled:
        raise refused(403, "account_disabled", "This account is switched off; contact your administrator")
    if not found.api_access:
        raise refused(403, "api_access_disabled", "API access is switched off for this account")
    if not await first_sight(pool, auth.license_id, int(auth.timestamp), auth.token, 2 * WINDOW_SECONDS):
        raise refused(401, "replayed_request", "This very request was answered before; sign it again")
    connection.state.licensee = Licensee(
        account_id=found.account_id, license_id=auth.license_id, masked_password=masked(password),
        actor=request_actor(connection, "anydesk_api", auth.license_id, role="api"))


async def licensee(request: Request[Any, Any, Any]) -> Licensee:
    return request.state.licensee  # set by the guard, which runs first
