"""What the remote-desktop client software calls, authenticated by the account's current license key."""

from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, MediaType, Request, Response, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from domain.application import Portal
from domain.actor import Actor
from domain.files_commands import lookup_digest
from domain.i18n import N_
from gateway.beats import Beats
from gateway.consistency import accepted, command, off_loop
from gateway.fields import Plain, described
from gateway.problems import Problem
from gateway.tracing import request_actor
from projections import presence
from projections.access import account_disabled
from projections.custom_clients import enrolling_account

ClientId = Annotated[str, described(N_("the 9 or 10 digit id the client shows"), r"^[0-9]{9,10}$")]
Version = Annotated[str, described(N_("a version such as 9.0.1 (letters, digits, '.', '+', '_', '-')"),
                                   r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$")]
Platform = Annotated[str, described(N_("a platform such as windows or macos"), r"^[a-z][a-z0-9_-]{0,31}$")]
SessionId = Annotated[str, Plain]
LicenseKey = Annotated[str | None, Parameter(header="X-License-Key", max_length=64,
                                              description="The account's current license key")]
EnrollmentSecret = Annotated[str | None, Parameter(
    header="X-Enrollment-Secret", max_length=128,
    description="Registration only: the secret in a custom client's package, in place of the license key")]


class Registration(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    client_id: ClientId
    version: Version
    platform: Platform


class Heartbeat(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    client_id: ClientId
    version: Version


class SessionRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    from_client_id: ClientId
    to_client_id: ClientId


class SessionStarted(msgspec.Struct, kw_only=True):
    session_id: str
    position: int


ABSORBED = b'{"position":null}'  # a heartbeat that recorded nothing


class Device(msgspec.Struct, frozen=True):
    account_id: Any
    license_key: str


async def presented_key(license_key: LicenseKey = None) -> str:
    """The key as sent (checked before the body, like every credential); heartbeats check it themselves."""
    return presented(license_key)


def presented(license_key: str | None) -> str:
    if not license_key:
        raise Problem(401, "invalid-license-key", N_("Send the account's license key in X-License-Key"),
                      field="X-License-Key")
    return license_key


async def device(portal: Portal, pool: asyncpg.Pool, license_key: LicenseKey = None) -> Device:
    """The account of the presented license key (only the current key: a reset one is refused)."""
    key = presented(license_key)
    return Device(account_id=await key_account(portal, pool, key), license_key=key)


async def key_account(portal: Portal, pool: asyncpg.Pool, key: str) -> UUID:
    """The key's account, unless it is switched off: then none of its devices may do anything. The admin
    switch waits for the access view before it answers, so this view is in force from then on."""
    account_id = await off_loop(portal.account_for_key, key)
    if await account_disabled(pool, account_id):
        raise Problem(403, "account-disabled", N_("This account is switched off, and its devices with it; "
                      "contact your administrator"))
    return account_id


async def registering_device(portal: Portal, pool: asyncpg.Pool, license_key: LicenseKey = None,
                             enrollment_secret: EnrollmentSecret = None) -> Device:
    """A device installed from a custom client registers with its enrollment secret (revoked when the custom
    client's link is regenerated or it is deleted); any other with the license key."""
    if license_key or not enrollment_secret:
        return await device(portal, pool, license_key)
    account_id = await enrolling_account(pool, lookup_digest(enrollment_secret))
    if account_id is None:
        raise Problem(401, "invalid-enrollment-secret", N_("This enrollment secret is unknown or was revoked; install "
                      "the custom client's current package"), field="X-Enrollment-Secret")
    return Device(account_id=account_id, license_key="")


def device_actor(request: Request, client_id: str) -> Actor:
    return request_actor(request, "device", client_id)


class DeviceController(Controller):
    path = "/v1/device"
    tags = ["device"]

    @post("/register", status_code=200, dependencies={"caller": Provide(registering_device)},
          summary="Link a client to the account (refused past the license's maximum clients)")
    async def register(self, data: Registration, caller: Device, request: Request,
                       portal: Portal) -> Response[Any]:
        return accepted(await command(device_actor(request, data.client_id), portal.register_client,
                                      caller.account_id, data.client_id, data.version, data.platform))

    @post("/heartbeat", status_code=200, dependencies={"key": Provide(presented_key)},
          summary="The client is online. Cheap: only transitions become events")
    async def heartbeat(self, data: Heartbeat, request: Request, state: State,
                        portal: Portal, pool: asyncpg.Pool, key: str) -> Response[Any]:
        beats: Beats = state.beats
        if beats.absorbed(key, data.client_id, data.version):
            return Response(ABSORBED, media_type=MediaType.JSON)
        written = await presence.beat(pool, key, data.client_id, data.version)
        if written is not None:
            beats.confirm(key, data.client_id, data.version, written)
            return Response(ABSORBED, media_type=MediaType.JSON)
        account_id = await key_account(portal, pool, key)
        async with presence.locked(pool, account_id, data.client_id) as row:
            position = await command(device_actor(request, data.client_id), portal.client_came_online,
                                     account_id, data.client_id, data.version)
            await row.mark(online=True, version=data.version)
        beats.confirm(key, data.client_id, data.version, account_id)
        return accepted(position)

    @post("/sessions", status_code=201, dependencies={"caller": Provide(device)},
          summary="Start a session (refused past the license's concurrent sessions or active devices)")
    async def start_session(self, data: SessionRequest, caller: Device, request: Request,
                            portal: Portal) -> Response[Any]:
        session_id, position = await command(device_actor(request, data.from_client_id), portal.start_session,
                                             caller.account_id, data.from_client_id, data.to_client_id)
        return accepted(position, SessionStarted(session_id=session_id, position=position), status=201)

    @post("/sessions/{session_id:str}/end", status_code=200, dependencies={"caller": Provide(device)},
          summary="The session ended (repeating it is harmless)")
    async def end_session(self, session_id: SessionId, caller: Device, request: Request,
                          portal: Portal) -> Response[Any]:
        return accepted(await command(request_actor(request, "device", "client"), portal.end_session,
                                      caller.account_id, session_id))
