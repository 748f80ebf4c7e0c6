"""Who is calling and what they may do: passwords, bearer tokens and API keys (stored only as digests),
and the guards every controller names: `customer`, `owner`, `staff(...)`."""

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar import Request

from domain.actor import Actor
from domain.i18n import N_
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
    impersonation_id: UUID | None = None  # set while staff act as the account's owner


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


async def revoke_token(pool: asyncpg.Pool, token: str) -> None:
    await pool.execute("UPDATE auth_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL",
                       digest(token))


async def revoke_sessions(pool: asyncpg.Pool, user_id: UUID, keep: str | None = None) -> None:
    """End the user's login sessions (all, or all but the one whose token is `keep`)."""
    await pool.execute(
        """UPDATE auth_tokens SET revoked_at = now()
           WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL AND token_hash <> $2""",
        user_id, digest(keep) if keep else b"")


async def revoke_api_key_token(pool: asyncpg.Pool, account_id: UUID, key_id: str) -> None:
    await pool.execute("UPDATE auth_tokens SET revoked_at = now() WHERE account_id = $1 AND key_id = $2 "
                       "AND revoked_at IS NULL", account_id, key_id)


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "unauthenticated", N_("Log in and send `Authorization: Bearer <token>`"),
                      headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


async def current_caller(request: Request, pool: asyncpg.Pool) -> Caller:
    """The authenticated caller; the account always comes from here, never from the path or body. A token of
    a disabled account, or an API key while the account's API access is off, is refused like an unknown one."""
    row = await pool.fetchrow(
        """SELECT t.account_id, t.user_id, t.email, t.role, t.platform_role, t.kind, t.scope, t.impersonation_id,
                  t.staff_role, p.language
           FROM auth_tokens t LEFT JOIN account_access a ON a.account_id = t.account_id
                LEFT JOIN account_preferences p ON p.account_id = t.account_id
           WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now()
             AND NOT coalesce(a.disabled, false) AND (t.kind <> 'api_key' OR coalesce(a.api_access, true))""",
        digest(bearer_token(request)))
    if row is None:
        raise Problem(401, "unauthenticated", await why_refused(pool, digest(bearer_token(request))),
                      headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    request.state[LANGUAGE] = row["language"] or "en"  # every answer to this caller, errors included
    if row["scope"] == "read" and request.method not in ("GET", "HEAD"):
        raise Problem(403, "read-only-key", N_("This API key may only read"))
    # asyncpg's own UUID type would leak into events; the domain takes the standard library's.
    user_id = UUID(bytes=row["user_id"].bytes) if row["user_id"] else None
    account_id = UUID(bytes=row["account_id"].bytes)
    if row["kind"] == "impersonation":
        return impersonating(request, row, account_id, user_id)
    kind = "user" if row["kind"] == "session" else "api_key"
    return Caller(account_id=account_id, user_id=user_id, email=row["email"],
                  role=row["role"], platform_role=row["platform_role"], scope=row["scope"],
                  actor=request_actor(request, kind, row["email"], role=row["role"]))


# What staff may not do while acting as a customer: its credentials, its deletion, another impersonation, and
# the customer's own view of who accessed it. Checked on every request of an impersonation token.
NOT_WHILE_IMPERSONATING = ("/v1/auth/password", "/v1/auth/2fa", "/v1/auth/logout", "/v1/api-keys", "/v1/admin/",
                           "/v1/account/access")


def impersonating(request: Request, row: asyncpg.Record, account_id: UUID,
                  user_id: UUID | None) -> Caller:
    """Staff acting as the account's owner: every event names the staff member, on behalf of the account."""
    if request.url.path.startswith(NOT_WHILE_IMPERSONATING):
        raise Problem(403, "forbidden", N_("Not while acting for a customer: its password, two-factor settings and "
                      "API keys, deleting it and further impersonations stay with its owner; end the access with "
                      "DELETE /v1/impersonation"))
    actor = request_actor(request, "user", row["email"], role=row["staff_role"])
    return Caller(account_id=account_id, user_id=user_id, email=row["email"], role="owner", platform_role=None,
                  scope="write", actor=msgspec.structs.replace(actor, on_behalf_of=str(account_id)),
                  impersonation_id=UUID(bytes=row["impersonation_id"].bytes))


async def issue_impersonation_token(pool: asyncpg.Pool, *, account_id: UUID, owner_id: UUID, staff_email: str,
                                    staff_role: str, impersonation_id: UUID, expires_at: datetime) -> str:
    """A token acting as the account's owner until `expires_at` (the impersonation's own expiry)."""
    token = secrets.token_urlsafe(32)
    await pool.execute(
        """INSERT INTO auth_tokens (token_hash, account_id, user_id, email, role, kind, impersonation_id, staff_role,
                                    expires_at) VALUES ($1, $2, $3, $4, 'owner', 'impersonation', $5, $6, $7)""",
        digest(token), account_id, owner_id, staff_email, impersonation_id, staff_role, expires_at)
    return token


async def forget_logins(pool: asyncpg.Pool, account_id: UUID, emails: list[str]) -> None:
    """A deleted account's tokens, keys and failed-login records go: they name its logins."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM auth_tokens WHERE account_id = $1", account_id)
        await conn.execute("DELETE FROM login_failures WHERE scope = 'login' AND key = any($1::text[])", emails)


async def revoke_impersonation(pool: asyncpg.Pool, impersonation_id: UUID) -> None:
    await pool.execute("UPDATE auth_tokens SET revoked_at = now() WHERE impersonation_id = $1 AND revoked_at IS NULL",
                       impersonation_id)


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
