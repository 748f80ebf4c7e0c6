"""The Files tab: custom clients (create, list, details, change, new public link, delete), their downloads
(private for the account's users, public by an unguessable link), the platforms, the signing key, and the
staff's software releases."""

from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from domain.application import Portal
from domain.files_commands import lookup_digest
from domain.i18n import N_
from gateway.consistency import MinPosition, accepted, command, off_loop, reach
from gateway.downloads import serve
from gateway.identity import Caller, customer, staff
from gateway.problems import Problem
from projections.custom_clients import (CUSTOM_CLIENTS, CustomClientDetails, CustomClientRow, PlatformView,
                                        custom_client_details, custom_client_page, platforms,
                                        private_package, public_package)
from gateway.signing import public_key_text

# Plain types here: the domain checks lengths, control characters, platforms and options, in words.
OptionValue = bool | int | str
Direction = Annotated[str, msgspec.Meta(description="incoming, outgoing or both")]
DOCUMENTATION = [{"title": "API documentation of this service", "url": "/schema/swagger"},
                 {"title": "Event contract (JSON Schema)", "url": "/v1/events/schema"},
                 {"title": "Device API: register, heartbeat, sessions", "url": "/schema/swagger#/device"}]


class NewCustomClient(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: str
    platform: str
    direction: Direction
    allow_install: bool
    program_name: str
    public: bool
    options: dict[str, OptionValue] = msgspec.field(default_factory=dict)


class CustomClientPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    platform: str | msgspec.UnsetType = msgspec.UNSET
    direction: Direction | msgspec.UnsetType = msgspec.UNSET
    allow_install: bool | msgspec.UnsetType = msgspec.UNSET
    program_name: str | msgspec.UnsetType = msgspec.UNSET
    public: bool | msgspec.UnsetType = msgspec.UNSET
    options: dict[str, OptionValue] | msgspec.UnsetType = msgspec.UNSET


class Release(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    platform: str
    version: str


class Created(msgspec.Struct, kw_only=True):
    custom_client_id: UUID
    position: int


class FilesList(msgspec.Struct, kw_only=True):
    items: list[CustomClientRow]
    next_cursor: str | None
    documentation: list[dict[str, str]]


class CustomClientView(CustomClientDetails, kw_only=True):
    public_url: str | None  # while public
    enrollment_secret: str | None = None  # only the account's owner sees it


class SigningKey(msgspec.Struct, kw_only=True):
    algorithm: str
    public_key: str  # raw 32 bytes, base64
    signed: str  # what the signature covers


class FilesPage(msgspec.Struct, kw_only=True):
    cursor: str | None
    limit: int


async def files_page(caller: Caller, cursor: str | None = None,
                     limit: Annotated[int, Parameter(ge=1, le=200, description="Rows per page")] = 50) -> FilesPage:
    # `caller` is only asked for so that the credentials are checked before these parameters.
    return FilesPage(cursor=cursor, limit=limit)


class FilesController(Controller):
    path = "/v1/files"
    tags = ["files"]
    dependencies = {"caller": Provide(customer)}

    @get("", summary="The Files tab: custom clients, one page at a time, and documentation links",
         dependencies={"paging": Provide(files_page)})
    async def list_files(self, caller: Caller, state: State, pool: asyncpg.Pool, paging: FilesPage,
                         min_position: Annotated[int | None, MinPosition] = None) -> FilesList:
        await reach(state, CUSTOM_CLIENTS.name, min_position)
        items, next_cursor = await custom_client_page(pool, caller.account_id, paging.cursor, paging.limit)
        return FilesList(items=items, next_cursor=next_cursor, documentation=DOCUMENTATION)

    @post("", summary="Create a custom client (Performance and Enterprise); the builder packages it")
    async def create(self, data: NewCustomClient, caller: Caller, portal: Portal) -> Response[Any]:
        custom_client_id, position = await command(caller.actor, portal.create_custom_client, caller.account_id,
                                                   **msgspec.structs.asdict(data))
        return accepted(position, Created(custom_client_id=custom_client_id, position=position), status=201)

    @get("/platforms", summary="The platforms a custom client can be built for, with their current versions")
    async def list_platforms(self, pool: asyncpg.Pool) -> list[PlatformView]:
        return await platforms(pool)

    @get("/signing-key", summary="The Ed25519 public key every package is signed with")
    async def signing_key(self, state: State) -> SigningKey:
        if not state.settings.signing_key_file:
            raise Problem(503, "no-signing-key", N_("This installation has no signing key configured yet"))
        return SigningKey(algorithm="Ed25519", public_key=await off_loop(public_key_text, state.settings.signing_key_file),
                          signed="SHA256SUMS (the SHA-256 of every file, manifest.json included); "
                                 "the signature is SHA256SUMS.sig")

    @get("/{custom_client_id:uuid}", summary="Custom client details")
    async def show(self, custom_client_id: UUID, caller: Caller, state: State, pool: asyncpg.Pool, portal: Portal,
                   min_position: Annotated[int | None, MinPosition] = None) -> CustomClientView:
        await reach(state, CUSTOM_CLIENTS.name, min_position)
        details = await custom_client_details(pool, caller.account_id, custom_client_id)
        if details is None:
            raise Problem(404, "not-found", N_("No such custom client"))
        # The secrets are not in the read model (it is fed from NATS): the event store keeps them.
        client = await off_loop(portal.custom_client, caller.account_id, custom_client_id)
        public_url = f"{state.settings.public_url}/d/{client.public_token}" if client.public else None
        return CustomClientView(**msgspec.structs.asdict(details), public_url=public_url,
                                enrollment_secret=client.enrollment_secret if caller.role == "owner" else None)

    @patch("/{custom_client_id:uuid}", summary="Change settings (a new build follows) or switch public/private")
    async def change(self, custom_client_id: UUID, data: CustomClientPatch, caller: Caller, state: State,
                     portal: Portal) -> Response[Any]:
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        if not changes:
            raise Problem(422, "validation", N_("Give at least one of the custom client's fields"), field="body")
        position = await command(caller.actor, portal.change_custom_client, caller.account_id, custom_client_id,
                                 changes)
        await reach(state, CUSTOM_CLIENTS.name, position)  # switched private: the public link is dead on return
        return accepted(position)

    @post("/{custom_client_id:uuid}/public-link", status_code=200,
          summary="A new public link and enrollment secret; the old ones stop working at once")
    async def regenerate(self, custom_client_id: UUID, caller: Caller, state: State, portal: Portal) -> Response[Any]:
        position = await command(caller.actor, portal.regenerate_public_link, caller.account_id, custom_client_id)
        await reach(state, CUSTOM_CLIENTS.name, position)  # downloads and devices check this view
        return accepted(position)

    @delete("/{custom_client_id:uuid}", status_code=200, summary="Delete the custom client and revoke its links")
    async def remove(self, custom_client_id: UUID, caller: Caller, state: State, portal: Portal) -> Response[Any]:
        position = await command(caller.actor, portal.delete_custom_client, caller.account_id, custom_client_id)
        await reach(state, CUSTOM_CLIENTS.name, position)
        return accepted(position)

    @get("/{custom_client_id:uuid}/download", summary="Download the package (the account's users only)",
         media_type="application/zip")
    async def download(self, custom_client_id: UUID, caller: Caller, request: Request[Any, Any, Any], state: State,
                       pool: asyncpg.Pool) -> Response[bytes]:
        return await serve(request, state.nats, pool, await private_package(pool, caller.account_id, custom_client_id))


class PublicDownloadController(Controller):
    path = "/d"
    tags = ["files"]

    @get("/{public_token:str}", summary="Download a public custom client by its link (no login)",
         media_type="application/zip")
    async def download(self, public_token: str, request: Request[Any, Any, Any], state: State,
                       pool: asyncpg.Pool) -> Response[bytes]:
        return await serve(request, state.nats, pool, await public_package(pool, lookup_digest(public_token)))


class ReleasesController(Controller):
    path = "/v1/admin/releases"
    tags = ["admin"]
    dependencies = {"caller": Provide(staff("administrator"))}

    @post("", status_code=200, summary="Publish a newer software version for a platform; its custom clients "
                                       "are rebuilt")
    async def release(self, data: Release, caller: Caller, portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.release_software, data.platform, data.version))
