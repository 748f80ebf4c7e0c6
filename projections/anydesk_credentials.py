"""The AnyDesk-compatible API's credentials (sealed passwords by license id) and its memory of requests seen.

Not a projection: the gateway writes a password when the domain has recorded that it was set, as it keeps
API key digests, so the secret stays out of the event store and off NATS.
"""

from uuid import UUID

import asyncpg
import msgspec


class Credential(msgspec.Struct, frozen=True, kw_only=True):
    account_id: UUID
    sealed_password: bytes
    disabled: bool
    api_access: bool


async def keep_password(pool: asyncpg.Pool, account_id: UUID, license_id: str, sealed: bytes,
                        position: int) -> None:
    await pool.execute(
        """INSERT INTO anydesk_credentials (account_id, license_id, sealed_password, position)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (account_id) DO UPDATE SET sealed_password = excluded.sealed_password,
                                                  position = excluded.position
           WHERE anydesk_credentials.position < excluded.position""", account_id, license_id, sealed, position)


async def credential(pool: asyncpg.Pool, license_id: str) -> Credential | None:
    """The license's sealed password and whether its account, and the account's API access, are switched on
    (from the account_access view, which an administrator's switch waits for)."""
    row = await pool.fetchrow(
        """SELECT c.account_id, c.sealed_password, coalesce(a.disabled, false) AS disabled,
                  coalesce(a.api_access, true) AS api_access
           FROM anydesk_credentials c LEFT JOIN account_access a ON a.account_id = c.account_id
           WHERE c.license_id = $1""", license_id)
    if row is None:
        return None
    # asyncpg's own UUID type would leak into events; the domain takes the standard library's.
    return Credential(account_id=UUID(bytes=row["account_id"].bytes), sealed_password=row["sealed_password"],
                      disabled=row["disabled"], api_access=row["api_access"])


async def first_sight(pool: asyncpg.Pool, license_id: str, signed_at: int, token: str, keep_seconds: int) -> bool:
    """Remembers a signed request; False when it was seen before (a replay)."""
    return await pool.fetchval(
        """WITH purged AS (DELETE FROM anydesk_requests_seen WHERE license_id = $1 AND expires_at < now())
           INSERT INTO anydesk_requests_seen (license_id, signed_at, token, expires_at)
           VALUES ($1, $2, $3, to_timestamp($2::bigint) + make_interval(secs => $4::int))
           ON CONFLICT DO NOTHING RETURNING true""", license_id, signed_at, token, keep_seconds) or False
