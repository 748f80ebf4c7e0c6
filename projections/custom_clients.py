"""The Files tab read model: custom clients, their latest package, and each platform's software version."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from domain.catalog import PLATFORMS
from domain.contract.files import (CustomClientBuildFailed, CustomClientBuilding, CustomClientBuilt,
                                   CustomClientChanged, CustomClientDeleted, CustomClientLinkRegenerated,
                                   CustomClientRebuildRequested, CustomClientRequested,
                                   CustomClientVisibilityChanged, Options, SoftwareReleased)
from projections.fold import Fold
from projections.paging import Sort, page
from projections.readmodel import ReadModel, update_row

CUSTOM_CLIENTS = ReadModel("custom_clients", tables=("custom_clients", "software_releases"))


class Of(msgspec.Struct):
    """Which custom client an event is about: every shape starts with it."""
    account_id: UUID
    aggregate_id: UUID


class Settings(Of):
    generation: int
    name: str
    platform: str
    direction: str
    allow_install: bool
    program_name: str
    options: Options
    prefix: str
    release: str


class Requested(Settings):
    public: bool
    enrollment_fingerprint: str
    public_token_fingerprint: str
    occurred_at: datetime


@CUSTOM_CLIENTS.on(CustomClientRequested, Requested)
async def _requested(conn: Fold, e: Requested, position: int) -> None:
    await conn.execute(
        """INSERT INTO custom_clients (account_id, custom_client_id, name, platform, direction, allow_install,
                                       program_name, options, public, prefix, generation, release, status,
                                       enrollment_fingerprint, public_token_fingerprint, created_at, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, 'requested', $13, $14, $15, $16)
           ON CONFLICT DO NOTHING""",
        e.account_id, e.aggregate_id, e.name, e.platform, e.direction, e.allow_install, e.program_name,
        msgspec.json.encode(e.options).decode(), e.public, e.prefix, e.generation, e.release,
        e.enrollment_fingerprint, e.public_token_fingerprint, e.occurred_at, position)


def _key(e: Of) -> dict[str, object]:
    return {"account_id": e.account_id, "custom_client_id": e.aggregate_id}


@CUSTOM_CLIENTS.on(CustomClientChanged, Settings)
async def _changed(conn: Fold, e: Settings, position: int) -> None:
    await conn.execute(
        """UPDATE custom_clients SET name = $3, platform = $4, direction = $5, allow_install = $6,
                  program_name = $7, options = $8::jsonb, prefix = $9, generation = $10, release = $11,
                  status = 'requested', failure = NULL, position = $12
           WHERE account_id = $1 AND custom_client_id = $2""",
        e.account_id, e.aggregate_id, e.name, e.platform, e.direction, e.allow_install, e.program_name,
        msgspec.json.encode(e.options).decode(), e.prefix, e.generation, e.release, position)


class VisibilityChanged(Of):
    public: bool


@CUSTOM_CLIENTS.on(CustomClientVisibilityChanged, VisibilityChanged)
async def _visibility(conn: Fold, e: VisibilityChanged, position: int) -> None:
    await update_row(conn, "custom_clients", _key(e), position, public=e.public)


class LinkRegenerated(Of):
    generation: int
    release: str
    enrollment_fingerprint: str
    public_token_fingerprint: str


@CUSTOM_CLIENTS.on(CustomClientLinkRegenerated, LinkRegenerated)
async def _link_regenerated(conn: Fold, e: LinkRegenerated, position: int) -> None:
    await update_row(conn, "custom_clients", _key(e), position,
                     generation=e.generation, release=e.release, status="requested", failure=None,
                     enrollment_fingerprint=e.enrollment_fingerprint,
                     public_token_fingerprint=e.public_token_fingerprint)


class RebuildRequested(Of):
    generation: int
    release: str


@CUSTOM_CLIENTS.on(CustomClientRebuildRequested, RebuildRequested)
async def _rebuild_requested(conn: Fold, e: RebuildRequested, position: int) -> None:
    await update_row(conn, "custom_clients", _key(e), position,
                     generation=e.generation, release=e.release, status="requested", failure=None)


@CUSTOM_CLIENTS.on(CustomClientBuilding, Of)
async def _building(conn: Fold, e: Of, position: int) -> None:
    await update_row(conn, "custom_clients", _key(e), position, status="building")


class Built(Of):
    version: str
    sha256: str
    size: int
    object_name: str
    built_at: datetime


@CUSTOM_CLIENTS.on(CustomClientBuilt, Built)
async def _built(conn: Fold, e: Built, position: int) -> None:
    await update_row(conn, "custom_clients", _key(e), position,
                     status="ready", version=e.version, sha256=e.sha256, size=e.size, object_name=e.object_name,
                     built_at=e.built_at)


class Failed(Of):
    reason: str


@CUSTOM_CLIENTS.on(CustomClientBuildFailed, Failed)
async def _failed(conn: Fold, e: Failed, position: int) -> None:
    await update_row(conn, "custom_clients", _key(e), position, status="failed", failure=e.reason)


@CUSTOM_CLIENTS.on(CustomClientDeleted, Of)
async def _deleted(conn: Fold, e: Of, position: int) -> None:
    await conn.execute("DELETE FROM custom_clients WHERE account_id = $1 AND custom_client_id = $2",
                       e.account_id, e.aggregate_id)


class Released(msgspec.Struct):
    account_id: UUID
    platform: str
    version: str
    occurred_at: datetime


@CUSTOM_CLIENTS.on(SoftwareReleased, Released)
async def _released(conn: Fold, e: Released, position: int) -> None:
    await conn.execute(
        """INSERT INTO software_releases (account_id, platform, version, released_at, position)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, platform)
           DO UPDATE SET version = excluded.version, released_at = excluded.released_at, position = $5""",
        e.account_id, e.platform, e.version, e.occurred_at, position)


# -- queries ---------------------------------------------------------------------------------------------

class PlatformView(msgspec.Struct, kw_only=True):
    code: str
    name: str
    version: str  # the current software version
    installer: str


class CustomClientRow(msgspec.Struct, kw_only=True):
    custom_client_id: UUID
    name: str
    platform: str
    version: str | None  # of the package built last
    status: str  # requested, building, ready, failed, outdated (built for an older software version)
    download_url: str | None  # once a package exists


class CustomClientDetails(msgspec.Struct, kw_only=True):
    custom_client_id: UUID
    name: str
    platform: str
    version: str | None
    current_version: str
    prefix: str
    direction: str
    allow_install: bool
    program_name: str
    options: Options
    public: bool
    status: str
    failure: str | None
    sha256: str | None
    size: int | None
    built_at: datetime | None
    downloads: int


class Package(msgspec.Struct, kw_only=True):
    account_id: UUID
    custom_client_id: UUID
    object_name: str
    sha256: str
    size: int
    program_name: str
    platform: str


async def current_versions(pool: asyncpg.Pool) -> dict[str, str]:
    released = {r["platform"]: r["version"] for r in await pool.fetch("SELECT platform, version FROM software_releases")}
    return {code: released.get(code, p.version) for code, p in PLATFORMS.items()}


async def platforms(pool: asyncpg.Pool) -> list[PlatformView]:
    versions = await current_versions(pool)
    return [PlatformView(code=p.code, name=p.name, version=versions[p.code], installer=p.installer)
            for p in PLATFORMS.values()]


def _status(row: asyncpg.Record, versions: dict[str, str]) -> str:
    outdated = row["status"] == "ready" and row["version"] != versions[row["platform"]]
    return "outdated" if outdated else row["status"]


def _id(value: Any) -> UUID:
    return UUID(bytes=value.bytes)  # asyncpg's own UUID type would leak into answers and commands


SORTS = {"created_at": Sort(expression="created_at", sql_type="timestamptz", key="created_at")}


async def custom_client_page(pool: asyncpg.Pool, account_id: UUID, cursor: str | None,
                             limit: int) -> tuple[list[CustomClientRow], str | None]:
    rows, next_cursor = await page(  # the cursor keeps ids as text: hence the inner select
        pool, select="SELECT * FROM (SELECT custom_client_id::text AS id, name, platform, version, status, created_at, "
                     "sha256 FROM custom_clients WHERE account_id = $1) c", where="true", args=[account_id],
        sorts=SORTS, sort="created_at", descending=False, id_column="c.id", cursor=cursor, limit=limit)
    versions = await current_versions(pool)
    return [CustomClientRow(custom_client_id=UUID(r["id"]), name=r["name"], platform=r["platform"],
                            version=r["version"], status=_status(r, versions),
                            download_url=f"/v1/files/{r['id']}/download" if r["sha256"] else None)
            for r in rows], next_cursor


async def custom_client_details(pool: asyncpg.Pool, account_id: UUID,
                                custom_client_id: UUID) -> CustomClientDetails | None:
    row = await pool.fetchrow(
        """SELECT c.*, c.options::text AS options_json, coalesce(d.downloads, 0) AS download_count
           FROM custom_clients c LEFT JOIN custom_client_downloads d USING (account_id, custom_client_id)
           WHERE c.account_id = $1 AND c.custom_client_id = $2""", account_id, custom_client_id)
    if row is None:
        return None
    versions = await current_versions(pool)
    return CustomClientDetails(
        custom_client_id=custom_client_id, name=row["name"], platform=row["platform"], version=row["version"],
        current_version=versions[row["platform"]], prefix=row["prefix"], direction=row["direction"],
        allow_install=row["allow_install"], program_name=row["program_name"],
        options=msgspec.json.decode(row["options_json"]), public=row["public"], status=_status(row, versions),
        failure=row["failure"], sha256=row["sha256"], size=row["size"], built_at=row["built_at"],
        downloads=row["download_count"])


Found = tuple[bool, Package | None]  # (the custom client exists, its package once one is built)


def _found(row: asyncpg.Record | None) -> Found:
    if row is None or row["object_name"] is None:
        return row is not None, None
    return True, Package(account_id=_id(row["account_id"]), custom_client_id=_id(row["custom_client_id"]),
                         object_name=row["object_name"], sha256=row["sha256"], size=row["size"],
                         program_name=row["program_name"], platform=row["platform"])


PACKAGE = "SELECT account_id, custom_client_id, object_name, sha256, size, program_name, platform FROM custom_clients"


async def private_package(pool: asyncpg.Pool, account_id: UUID, custom_client_id: UUID) -> Found:
    return _found(await pool.fetchrow(f"{PACKAGE} WHERE account_id = $1 AND custom_client_id = $2",
                                      account_id, custom_client_id))


async def public_package(pool: asyncpg.Pool, token_fingerprint: str) -> Found:
    """Only while the custom client is public."""
    return _found(await pool.fetchrow(f"{PACKAGE} WHERE public_token_fingerprint = $1 AND public", token_fingerprint))


async def enrolling_account(pool: asyncpg.Pool, enrollment_fingerprint: str) -> UUID | None:
    value = await pool.fetchval("SELECT account_id FROM custom_clients WHERE enrollment_fingerprint = $1",
                                enrollment_fingerprint)
    return None if value is None else _id(value)


async def count_download(pool: asyncpg.Pool, account_id: UUID, custom_client_id: UUID) -> None:
    await pool.execute(
        """INSERT INTO custom_client_downloads (account_id, custom_client_id, downloads) VALUES ($1, $2, 1)
           ON CONFLICT (account_id, custom_client_id) DO UPDATE SET downloads = custom_client_downloads.downloads + 1""",
        account_id, custom_client_id)


async def of_platform(pool: asyncpg.Pool, platform: str) -> list[tuple[UUID, UUID]]:
    """(account, custom client) of every custom client of the platform, across accounts: for the builder."""
    rows = await pool.fetch("SELECT account_id, custom_client_id FROM custom_clients WHERE platform = $1", platform)
    return [(_id(r["account_id"]), _id(r["custom_client_id"])) for r in rows]
