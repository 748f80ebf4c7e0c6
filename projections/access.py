"""Account access read model: whether an account is disabled or has API access, and its API keys.

Token checks join it, so switching an account off (or its API access) takes effect for every token at once;
the admin command waits for this view before it answers.
"""

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from domain.contract.accounts import AccountApiAccessChanged, AccountDisabledChanged, AccountOpened, ApiKeyCreated, ApiKeyRevoked
from domain.contract.customers import AccountDeleted
from projections.fold import Fold
from projections.erasure import Deleted
from projections.readmodel import ReadModel

ACCOUNT_ACCESS = ReadModel("account_access", tables=("account_access", "api_keys"))


class Opened(msgspec.Struct):
    account_id: UUID


@ACCOUNT_ACCESS.on(AccountOpened, Opened)
async def _opened(conn: Fold, e: Opened, position: int) -> None:
    await conn.rows("account_access").insert({"account_id": e.account_id}, position=position)


@ACCOUNT_ACCESS.on(AccountDeleted, Deleted)
async def _deleted(conn: Fold, e: Deleted, position: int) -> None:
    # The row stays (it holds nothing personal) so every token of the account is refused from now on.
    await conn.execute("UPDATE account_access SET disabled = true, position = $2 WHERE account_id = $1",
                       e.account_id, position)
    await conn.execute("DELETE FROM api_keys WHERE account_id = $1", e.account_id)


class DisabledChanged(msgspec.Struct):
    account_id: UUID
    disabled: bool


@ACCOUNT_ACCESS.on(AccountDisabledChanged, DisabledChanged)
async def _disabled(conn: Fold, e: DisabledChanged, position: int) -> None:
    await conn.execute("UPDATE account_access SET disabled = $2, position = $3 WHERE account_id = $1",
                       e.account_id, e.disabled, position)


class ApiAccessChanged(msgspec.Struct):
    account_id: UUID
    enabled: bool


@ACCOUNT_ACCESS.on(AccountApiAccessChanged, ApiAccessChanged)
async def _api_access(conn: Fold, e: ApiAccessChanged, position: int) -> None:
    await conn.execute("UPDATE account_access SET api_access = $2, position = $3 WHERE account_id = $1",
                       e.account_id, e.enabled, position)


class KeyCreated(msgspec.Struct):
    account_id: UUID
    key_id: str
    name: str
    scope: str
    prefix: str
    occurred_at: datetime


@ACCOUNT_ACCESS.on(ApiKeyCreated, KeyCreated)
async def _key_created(conn: Fold, e: KeyCreated, position: int) -> None:
    await conn.execute(
        """INSERT INTO api_keys (account_id, key_id, name, scope, prefix, created_at, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
        e.account_id, e.key_id, e.name, e.scope, e.prefix, e.occurred_at, position)


class KeyRevoked(msgspec.Struct):
    account_id: UUID
    key_id: str
    occurred_at: datetime


@ACCOUNT_ACCESS.on(ApiKeyRevoked, KeyRevoked)
async def _key_revoked(conn: Fold, e: KeyRevoked, position: int) -> None:
    await conn.execute("UPDATE api_keys SET revoked_at = $3, position = $4 WHERE account_id = $1 AND key_id = $2",
                       e.account_id, e.key_id, e.occurred_at, position)


class ApiKey(msgspec.Struct, kw_only=True):
    key_id: str
    name: str
    scope: str
    prefix: str
    created_at: datetime


async def account_disabled(pool: asyncpg.Pool, account_id: UUID) -> bool:
    return await pool.fetchval("SELECT disabled FROM account_access WHERE account_id = $1", account_id) or False


async def api_keys(pool: asyncpg.Pool, account_id: UUID) -> list[ApiKey]:
    rows = await pool.fetch("SELECT key_id, name, scope, prefix, created_at FROM api_keys "
                            "WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at", account_id)
    return [ApiKey(**dict(r)) for r in rows]
