"""Who is calling: password hashing, bearer tokens (stored only as hashes) and the caller dependency."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from litestar import Request
from litestar.datastructures import State

from domain.actor import Actor
from gateway.problems import Problem
from gateway.tracing import request_actor

HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = HASHER.hash("not a real password")  # verified against when no such login exists


class Caller(msgspec.Struct, frozen=True):
    account_id: UUID
    email: str
    actor: Actor


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
    except VerificationError:
        return False
    return password_hash is not None


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def issue_token(pool: asyncpg.Pool, account_id: UUID, email: str, ttl_seconds: int) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(seconds=ttl_seconds)
    await pool.execute("INSERT INTO auth_tokens (token_hash, account_id, email, expires_at) "
                       "VALUES ($1, $2, $3, $4)", _digest(token), account_id, email, expires_at)
    return IssuedToken(token=token, expires_at=expires_at)


async def revoke_token(pool: asyncpg.Pool, token: str) -> None:
    await pool.execute("UPDATE auth_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL",
                       _digest(token))


def bearer_token(request: Request) -> str:  # type: ignore[type-arg]
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "unauthenticated", "Log in and send `Authorization: Bearer <token>`",
                      headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


async def current_caller(request: Request, state: State) -> Caller:  # type: ignore[type-arg]
    """The logged-in caller; the account always comes from here, never from the path or body."""
    row = await state.pool.fetchrow(
        "SELECT account_id, email FROM auth_tokens WHERE token_hash = $1 AND revoked_at IS NULL "
        "AND expires_at > now()", _digest(bearer_token(request)))
    if row is None:
        raise Problem(401, "unauthenticated", "The token is unknown, expired or revoked; log in again",
                      headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    # asyncpg's own UUID type would leak into events; the domain takes the standard library's.
    return Caller(account_id=UUID(bytes=row["account_id"].bytes), email=row["email"],
                  actor=request_actor(request, "user", row["email"], role="owner"))
