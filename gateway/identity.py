"""Who is calling and what they may do: passwords, bearer tokens and API keys (stored only as digests),
and the guards every controller names: `customer`, `owner`, `staff(...)`."""

import hashlib
import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar import Request

from domain.actor import Actor
from domain.i18n import N_
from gateway.credentials import KnownTokens
from gateway.language import STATE_KEY as LANGUAGE
from gateway.problems import Problem
from gateway.tracing import request_actor

HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = HASHER.hash("not a real password")  # verified against when no such login exists
API_KEY_PREFIX = "pak_"
API_KEY_TTL = timedelta(days=3_650)  # keys live until revoked


class Caller(msgspec.Struct, frozen=True, kw_only=True):
    account_id: UUID
    user_id: UUID | None  # None for an API key
    email: str  # the user's login, or the API key's name
    role: str  # owner, member, api, or a platform role
    platform_role: str | None
    scope: str  # write, or read for read-only API keys
    actor: Actor
    access_id: UUID | None = None  # set while staff act as the account's owner, or look in it read-only
    time_zone: str = "UTC"  # the account's, for what is shown in its local time


class IssuedToken(msgspec.Struct, kw_only=True):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the login exists, so timing does not reveal registered e-mails."""
    try:
        HASHER.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):  # an erased hash (a deleted account) matches nothing
        return False
    return password_hash is not None


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def issue_token(pool: asyncpg.Pool, *, account_id: UUID, user_id: UUID, email: str, role: str,
                      platform_role: str | None, ttl_seconds: int) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(seconds=ttl_seconds)
    await pool.execute(
        """INSERT INTO auth_tokens (token_hash, account_id, user_id, email, role, platform_role, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        digest(token), account_id, user_id, email, role, platform_role, expires_at)
    return IssuedToken(token=token, expires_at=expires_at)


async def issue_api_key(pool: asyncpg.Pool, *, account_id: UUID, key_id: str, name: str, scope: str,
                        secret: str) -> None:
    await pool.execute(
        """INSERT INTO auth_tokens (token_hash, account_id, email, role, kind, scope, key_id, expires_at)
           VALUES ($1, $2, $3, 'api', 'api_key', $4, $5, $6)""",
        digest(secret), account_id, name, scope, key_id, datetime.now(UTC) + API_KEY_TTL)


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


async def revoking(pool: asyncpg.Pool, tokens: KnownTokens, sql: str, *args: object) -> None:
    """Revoke (or delete) the tokens `sql` picks (it answers their `account_id`s): this process forgets them at
    once, the other gateway processes when PostgreSQL announces the change."""
    tokens.forget(*{r["account_id"] for r in await pool.fetch(sql, *args)})


async def revoke_token(pool: asyncpg.Pool, tokens: KnownTokens, token: str) -> None:
    await revoking(pool, tokens, "UPDATE auth_tokens SET revoked_at = now() WHERE token_hash = $1 "
                   "AND revoked_at IS NULL RETURNING account_id", digest(token))


async def revoke_sessions(pool: asyncpg.Pool, tokens: KnownTokens, user_id: UUID, keep: str | None = None) -> None:
    """End the user's login sessions (all, or all but the one whose token is `keep`)."""
    await revoking(pool, tokens,
                   """UPDATE auth_tokens SET revoked_at = now()
                      WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL AND token_hash <> $2
                      RETURNING account_id""", user_id, digest(keep) if keep else b"")


async def revoke_api_key_token(pool: asyncpg.Pool, tokens: KnownTokens, account_id: UUID, key_id: str) -> None:
    await revoking(pool, tokens, "UPDATE auth_tokens SET revoked_at = now() WHERE account_id = $1 AND key_id = $2 "
                   "AND revoked_at IS NULL RETURNING account_id", account_id, key_id)


async def revoke_account_tokens(pool: asyncpg.Pool, tokens: KnownTokens, account_id: UUID) -> None:
    """Every login session and API key of the account ends for good."""
    await revoking(pool, tokens, "UPDATE auth_tokens SET revoked_at = now() WHERE account_id = $1 "
                   "AND revoked_at IS NULL RETURNING account_id", account_id)


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "unauthenticated", N_("Log in and send `Authorization: Bearer <token>`"),
                      headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


async def current_caller(request: Request, pool: asyncpg.Pool, tokens: KnownTokens) -> Caller:
    """The authenticated caller; the account always comes from here, never from the path or body. A token of
    a disabled account, or an API key while the account's API access is off, is refused like an unknown one.
    A token checked before is answered from `tokens`, which forgets it when any of this changes."""
    token_hash = digest(bearer_token(request))
    row = tokens.get(token_hash)
    if row is None:
        row = await pool.fetchrow(
            """SELECT t.account_id, t.user_id, t.email, t.role, t.platform_role, t.kind, t.scope, t.access_id,
                      t.staff_role, t.expires_at, p.language, p.time_zone
               FROM auth_tokens t LEFT JOIN account_access a ON a.account_id = t.account_id
                    LEFT JOIN account_preferences p ON p.account_id = t.account_id
               WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now()
                 AND NOT coalesce(a.disabled, false) AND (t.kind <> 'api_key' OR coalesce(a.api_access, true))""",
            token_hash)
        if row is None:
            raise Problem(401, "unauthenticated", await why_refused(pool, token_hash),
                          headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        tokens.keep(token_hash, row)
    request.state[LANGUAGE] = row["language"] or "en"  # every answer to this caller, errors included
    if row["kind"] == "read_only" and request.method not in READS:
        raise Problem(403, "read-only-session", N_("A help-desk read-only session may only read; the customer "
                      "and its owner make every change"))
    if row["scope"] == "read" and request.method not in READS:
        raise Problem(403, "read-only-key", N_("This API key may only read"))
    # asyncpg's own UUID type would leak into events; the domain takes the standard library's.
    user_id = UUID(bytes=row["user_id"].bytes) if row["user_id"] else None
    account_id = UUID(bytes=row["account_id"].bytes)
    if row["kind"] in ("impersonation", "read_only"):
        return staff_inside(request, row, account_id, user_id)
    kind = "user" if row["kind"] == "session" else "api_key"
    return Caller(account_id=account_id, user_id=user_id, email=row["email"],
                  role=row["role"], platform_role=row["platform_role"], scope=row["scope"],
                  actor=request_actor(request, kind, row["email"], role=row["role"]),
                  time_zone=row["time_zone"] or "UTC")


# What staff may not do while acting as a customer: its credentials, its deletion, another impersonation, and
# the customer's own view of who accessed it and its consent to the help desk. Checked on every request of an
# impersonation token.
NOT_WHILE_IMPERSONATING = ("/v1/auth/password", "/v1/auth/2fa", "/v1/auth/logout", "/v1/api-keys", "/v1/admin/",
                           "/v1/account/access", "/v1/account/helpdesk-access")


READS = ("GET", "HEAD")


def staff_inside(request: Request, row: Mapping[str, Any], account_id: UUID, user_id: UUID | None) -> Caller:
    """Staff in a customer's account as its owner: acting (an impersonation) or only reading (a help-desk
    read-only session, which commands refuse). Every event names the staff member, on behalf of the account."""
    if row["kind"] == "impersonation" and request.url.path.startswith(NOT_WHILE_IMPERSONATING):
        raise Problem(403, "forbidden", N_("Not while acting for a customer: its password, two-factor settings and "
                      "API keys, deleting it and further impersonations stay with its owner; end the access with "
                      "DELETE /v1/impersonation"))
    actor = request_actor(request, "user", row["email"], role=row["staff_role"])
    return Caller(account_id=account_id, user_id=user_id, email=row["email"], role="owner", platform_role=None,
                  scope=row["scope"], actor=msgspec.structs.replace(actor, on_behalf_of=str(account_id)),
                  access_id=UUID(bytes=row["access_id"].bytes), time_zone=row["time_zone"] or "UTC")


async def issue_access_token(pool: asyncpg.Pool, *, kind: str, account_id: UUID, owner_id: UUID, staff_email: str,
                             staff_role: str, access_id: UUID, expires_at: datetime) -> str:
    """A token of staff inside the account as its owner until `expires_at` (the access's own expiry): `kind`
    "impersonation" acts, "read_only" (a help-desk read-only session) only reads."""
    token = secrets.token_urlsafe(32)
    await pool.execute(
        """INSERT INTO auth_tokens (token_hash, account_id, user_id, email, role, kind, scope, access_id, staff_role,
                                    expires_at) VALUES ($1, $2, $3, $4, 'owner', $5, $6, $7, $8, $9)""",
        digest(token), account_id, owner_id, staff_email, kind, "read" if kind == "read_only" else "write",
        access_id, staff_role, expires_at)
    return token


async def forget_logins(pool: asyncpg.Pool, tokens: KnownTokens, account_id: UUID, emails: list[str]) -> None:
    """A deleted account's tokens, keys and failed-login records go: they name its logins."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM auth_tokens WHERE account_id = $1", account_id)
        await conn.execute("DELETE FROM login_failures WHERE scope = 'login' AND key = any($1::text[])", emails)
    tokens.forget(account_id)


async def revoke_access(pool: asyncpg.Pool, tokens: KnownTokens, *access_ids: UUID) -> None:
    """Staff accesses (impersonations, read-only sessions) end: their tokens stop at once."""
    await revoking(pool, tokens, "UPDATE auth_tokens SET revoked_at = now() WHERE access_id = any($1::uuid[]) "
                   "AND revoked_at IS NULL RETURNING account_id", list(access_ids))


async def access_account(pool: asyncpg.Pool, kind: str, access_id: UUID) -> UUID | None:
    """The account a staff access of this kind is in (None: no such access)."""
    account_id = await pool.fetchval("SELECT account_id FROM auth_tokens WHERE access_id = $1 AND kind = $2 "
                                     "LIMIT 1", access_id, kind)
    return None if account_id is None else UUID(bytes=account_id.bytes)


async def last_logins(pool: asyncpg.Pool, user_ids: list[UUID]) -> dict[UUID, datetime]:
    """When each user last logged in (a login session was issued), for the help desk's views."""
    rows = await pool.fetch("SELECT user_id, max(created_at) AS at FROM auth_tokens "
                            "WHERE user_id = any($1::uuid[]) AND kind = 'session' GROUP BY user_id", user_ids)
    return {UUID(bytes=r["user_id"].bytes): r["at"] for r in rows}


async def anyone(token_caller: Caller) -> Caller:
    """Any authenticated caller; the handler decides what they may see (e.g. `may_audit`)."""
    return token_caller


async def why_refused(pool: asyncpg.Pool, token_hash: bytes) -> str:
    """Only for a token its holder has: say whether the account or its API access is switched off."""
    row = await pool.fetchrow(
        """SELECT t.kind, a.disabled, a.api_access FROM auth_tokens t
           LEFT JOIN account_access a ON a.account_id = t.account_id
           WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now()""", token_hash)
    if row is not None and row["disabled"]:
        return N_("This account is switched off; contact your administrator")
    if row is not None and row["kind"] == "api_key" and not row["api_access"]:
        return N_("API access is switched off for this account; ask your administrator")
    return N_("The token is unknown, expired or revoked; log in again")


async def user_caller(token_caller: Caller) -> Caller:
    """A person logged in (not an API key): their own login settings."""
    if token_caller.user_id is None:
        raise Problem(403, "forbidden", N_("API keys cannot change login settings"))
    return token_caller


async def customer(token_caller: Caller) -> Caller:
    """Anyone of a customer account: its users and its API keys. Staff reach accounts through /v1/admin."""
    if token_caller.platform_role is not None:
        raise Problem(403, "forbidden", N_("Platform staff work on accounts through the /v1/admin routes"))
    return token_caller


async def owner(token_caller: Caller) -> Caller:
    """The account's owner: billing, license purchases, users, API keys, settings."""
    if token_caller.role != "owner":
        raise Problem(403, "forbidden", N_("Only the account's owner may do this"))
    return token_caller


def staff(*roles: str) -> Callable[[Caller], Awaitable[Caller]]:
    """A guard admitting platform staff with one of `roles`."""
    async def guard(token_caller: Caller) -> Caller:
        if token_caller.platform_role not in roles:
            raise Problem(403, "forbidden", N_("Only {roles} may do this"), roles=", ".join(roles))
        return token_caller
    return guard
