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
from gateway.consistency import accepted, command, off_loop
from gateway.fields import Code, EmailAddress, Name, Password, described, require_strong
from gateway.identity import (Caller, anyone, bearer_token, hash_password, issue_token, password_matches,
                              revoke_sessions, revoke_token, user_caller)
from gateway.problems import Problem
from gateway.throttle import counted, record_failure, refuse_when_throttled
from gateway.tracing import client_address, request_actor

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
    secret: Annotated[str, described("the secret that /v1/auth/2fa/setup answered", r"^[A-Z2-7]{32}$")]
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
    async def sign_up(self, data: SignUp, request: Request, state: State, portal: Portal, pool: asyncpg.Pool) -> Response[Any]:  # type: ignore[type-arg]
        email = normalised_email(data.email)
        name = re.sub(r"\s+", " ", data.name).strip()
        if not name:
            raise Problem(422, "validation", "name: must not be blank", field="name")
        require_strong(data.password, email)
        password_hash = await off_loop(hash_password, data.password)
        account_id, number, position = await command(request_actor(request, "user", email, role="owner"),
                                                     portal.open_account, email, name, password_hash)
        token = await issue_token(pool, account_id=account_id, user_id=User.id_for(email), email=email,
                                  role="owner", platform_role=None, ttl_seconds=state.settings.token_ttl_seconds)
        return accepted(position, SignedUp(account_id=account_id, customer_number=number, token=token.token,
                                           token_type=token.token_type, expires_at=token.expires_at,
                                           position=position), status=201)

    @post("/auth/login", status_code=200, summary="Exchange e-mail, password (and two-factor code) for a token")
    async def log_in(self, data: LogIn, request: Request, state: State, portal: Portal, pool: asyncpg.Pool) -> LoggedIn:  # type: ignore[type-arg]
        email = normalised_email(data.email)
        address = client_address(request)
        await refuse_when_throttled(pool, email, address)
        user = await off_loop(portal.find_login_or_none, email)
        if not await off_loop(password_matches, user.password_hash if user else None, data.password) or not user:
            await record_failure(pool, email, address)
            raise Problem(401, "invalid-credentials", "Wrong e-mail or password")  # never say which
        if user.disabled or await off_loop(portal.account_disabled, user.account_id):
            raise Problem(403, "account-disabled", "This login is disabled; contact your administrator")
        if user.two_factor_secret is not None:
            if data.code is None:
                raise Problem(401, "two-factor-required", "Send the code of your authenticator app as `code`",
                              field="code")
            await counted(pool, email, address, command(request_actor(request, "user", email, role=user.role),
                                                              portal.check_second_factor, user.id, data.code))
        token = await issue_token(pool, account_id=user.account_id, user_id=user.id, email=email,
                                  role=user.role, platform_role=user.platform_role,
                                  ttl_seconds=state.settings.token_ttl_seconds)
        return LoggedIn(account_id=user.account_id, user_id=user.id, role=user.role, token=token.token,
                        token_type=token.token_type, expires_at=token.expires_at)

    @post("/auth/logout", status_code=204, dependencies={"caller": Provide(user_caller)},
          summary="End this login session (API keys are revoked on /v1/api-keys instead)")
    async def log_out(self, request: Request, caller: Caller, pool: asyncpg.Pool) -> None:  # type: ignore[type-arg]
        await revoke_token(pool, bearer_token(request))

    @post("/auth/logout-everywhere", status_code=204, dependencies={"caller": Provide(user_caller)},
          summary="End every login session of this user, this one included")
    async def log_out_everywhere(self, caller: Caller, pool: asyncpg.Pool) -> None:
        await revoke_sessions(pool, caller.user_id)  # type: ignore[arg-type]

    @get("/auth/me", dependencies={"caller": Provide(anyone)}, summary="Who this token belongs to")
    async def me(self, caller: Caller, portal: Portal) -> Me:
        two_factor = False
        if caller.user_id is not None:
            two_factor = (await off_loop(portal.user, caller.user_id)).two_factor_secret is not None
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
    async def two_factor_disable(self, data: TwoFactorCode, request: Request,  # type: ignore[type-arg]
                                 caller: Caller, portal: Portal, pool: asyncpg.Pool) -> Response[Any]:
        address = client_address(request)
        await refuse_when_throttled(pool, caller.email, address)
        return accepted(await counted(pool, caller.email, address, command(
            caller.actor, portal.disable_two_factor, caller.user_id, data.code)))
