"""Sign up, log in, log out."""

import re
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal, normalised_email
from domain.totp import provisioning_uri
from domain.user import User
from domain.i18n import N_
from gateway.credentials import KnownTokens
from gateway.consistency import MinPosition, accepted, command, off_loop, reach
from gateway.fields import Code, EmailAddress, Name, Password, described, require_strong
from gateway.identity import (Caller, anyone, bearer_token, digest, hash_password, issue_token, revoke_sessions,
                              revoke_token, user_caller)
from gateway import login
from gateway.problems import Problem
from gateway.throttle import counted, refuse_when_throttled
from gateway.tracing import client_address, request_actor
from projections.users import USERS, two_factor_on

class SignUp(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress
    password: Password
    name: Name


class LogIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress
    password: Password
    code: Code | None = None  # needed once two-factor authentication is on


class SignedUp(msgspec.Struct, kw_only=True):
    account_id: UUID
    customer_number: str
    token: str
    token_type: str
    expires_at: datetime
    position: int


class LoggedIn(msgspec.Struct, kw_only=True):
    account_id: UUID
    user_id: UUID
    role: str
    token: str
    token_type: str
    expires_at: datetime


class Me(msgspec.Struct, kw_only=True):
    account_id: UUID
    user_id: UUID | None
    email: str
    role: str
    scope: str
    two_factor: bool


class TwoFactorSetup(msgspec.Struct, kw_only=True):
    secret: str
    otpauth_uri: str  # for the authenticator app's QR code


class TwoFactorConfirm(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    secret: Annotated[str, described(N_("the secret that /v1/auth/2fa/setup answered"), r"^[A-Z2-7]{32}$")]
    code: Code


class TwoFactorCode(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    code: Code


class RecoveryCodes(msgspec.Struct, kw_only=True):
    recovery_codes: list[str]  # shown once: each works one time when the phone is lost
    position: int


class AuthController(Controller):
    path = "/v1"
    tags = ["auth"]

    @post("/signup", status_code=201, summary="Open an account with its owner and a free license")
    async def sign_up(self, data: SignUp, request: Request, state: State, portal: Portal,
                      pool: asyncpg.Pool) -> Response[Any]:
        email = normalised_email(data.email)
        name = re.sub(r"\s+", " ", data.name).strip()
        if not name:
            raise Problem(422, "validation", N_("{field}: must not be blank"), field="name")
        require_strong(data.password, email)
        password_hash = await off_loop(hash_password, data.password)
        account_id, number, position = await command(request_actor(request, "user", email, role="owner"),
                                                     portal.open_account, email, name, password_hash)
        token = await issue_token(pool, account_id=account_id, user_id=User.id_for(email), email=email,
                                  role="owner", platform_role=None, ttl_seconds=state.settings.token_ttl_seconds)
        state.writes.remember(digest(token.token), position)  # its first query shows the account it opened
        return accepted(position, SignedUp(account_id=account_id, customer_number=number, token=token.token,
                                           token_type=token.token_type, expires_at=token.expires_at,
                                           position=position), status=201)

    @post("/auth/login", status_code=200, summary="Exchange e-mail, password (and two-factor code) for a token")
    async def log_in(self, data: LogIn, request: Request, state: State,
                     portal: Portal, pool: asyncpg.Pool) -> LoggedIn:
        email = normalised_email(data.email)
        attempt = login.Attempt(email=email, password=data.password, code=data.code,
                                actor=request_actor(request, "user", email))
        user, token = await login.log_in(portal, pool, attempt, state.settings.token_ttl_seconds)
        return LoggedIn(account_id=user.account_id, user_id=user.id, role=user.role, token=token.token,
                        token_type=token.token_type, expires_at=token.expires_at)

    @post("/auth/logout", status_code=204, dependencies={"caller": Provide(user_caller)},
          summary="End this login session (API keys are revoked on /v1/api-keys instead)")
    async def log_out(self, request: Request, caller: Caller, pool: asyncpg.Pool, tokens: KnownTokens) -> None:
        await revoke_token(pool, tokens, bearer_token(request))

    @post("/auth/logout-everywhere", status_code=204, dependencies={"caller": Provide(user_caller)},
          summary="End every login session of this user, this one included")
    async def log_out_everywhere(self, caller: Caller, pool: asyncpg.Pool, tokens: KnownTokens) -> None:
        await revoke_sessions(pool, tokens, caller.user_id)  # type: ignore[arg-type]

    @get("/auth/me", dependencies={"caller": Provide(anyone)}, summary="Who this token belongs to")
    async def me(self, caller: Caller, state: State, pool: asyncpg.Pool,
                 min_position: Annotated[int | None, MinPosition] = None) -> Me:
        await reach(state, USERS.name, min_position)
        two_factor = caller.user_id is not None and await two_factor_on(pool, caller.account_id, caller.user_id)
        return Me(account_id=caller.account_id, user_id=caller.user_id, email=caller.email, role=caller.role,
                  scope=caller.scope, two_factor=two_factor)

    @post("/auth/2fa/setup", status_code=200, dependencies={"caller": Provide(user_caller)},
          summary="A new secret for an authenticator app; nothing changes until it is confirmed")
    async def two_factor_setup(self, caller: Caller, portal: Portal) -> TwoFactorSetup:
        secret = portal.start_two_factor()
        return TwoFactorSetup(secret=secret, otpauth_uri=provisioning_uri(secret, caller.email))

    @post("/auth/2fa/enable", status_code=200, dependencies={"caller": Provide(user_caller)},
          summary="Turn two-factor authentication on with the secret and a current code")
    async def two_factor_enable(self, data: TwoFactorConfirm, caller: Caller, portal: Portal) -> Response[Any]:
        codes, position = await command(caller.actor, portal.enable_two_factor, caller.user_id, data.secret,
                                        data.code)
        return accepted(position, RecoveryCodes(recovery_codes=codes, position=position))

    @post("/auth/2fa/disable", status_code=200, dependencies={"caller": Provide(user_caller)},
          summary="Turn two-factor authentication off with a current or recovery code (wrong codes are limited "
                  "like failed logins)")
    async def two_factor_disable(self, data: TwoFactorCode, request: Request,
                                 caller: Caller, portal: Portal, pool: asyncpg.Pool) -> Response[Any]:
        address = client_address(request)
        await refuse_when_throttled(pool, caller.email, address)
        return accepted(await counted(pool, caller.email, address, command(
            caller.actor, portal.disable_two_factor, caller.user_id, data.code)))
