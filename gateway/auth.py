"""Sign up, log in, log out."""

import re
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import normalised_email
from domain.errors import NotFound
from gateway.consistency import accepted, command, off_loop
from gateway.identity import (Caller, bearer_token, current_caller, hash_password, issue_token,
                              password_matches, revoke_token)
from gateway.problems import Problem
from gateway.tracing import request_actor

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                    description="E-mail address (case-insensitive)")]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]

COMMON_PASSWORDS = frozenset({"password", "passwort", "contraseña", "motdepasse", "qwertzuiop", "qwertyuiop",
                              "1234567890", "0123456789", "letmein123", "iloveyou12", "administrator",
                              "password123", "welcome123", "changeme123", "anydesk123", "portal1234"})


class SignUp(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: Email
    password: Password
    name: Name


class LogIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: Email
    password: Password


class SignedUp(msgspec.Struct, kw_only=True):
    account_id: UUID
    customer_number: str
    token: str
    token_type: str
    expires_at: datetime
    position: int


class LoggedIn(msgspec.Struct, kw_only=True):
    account_id: UUID
    token: str
    token_type: str
    expires_at: datetime


def weakness(password: str, email: str) -> str | None:
    """Why a password is too weak, or None. Length beats complexity rules (NIST SP 800-63B)."""
    if len(password) < 10:
        return "must be at least 10 characters long"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "is too common or too repetitive"
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in password.lower():
        return "must not contain your e-mail address"
    return None


class AuthController(Controller):
    path = "/v1"
    tags = ["auth"]

    @post("/signup", status_code=201, summary="Open an account with its owner and a free license")
    async def sign_up(self, data: SignUp, request: Request, state: State) -> Response[Any]:  # type: ignore[type-arg]
        email = normalised_email(data.email)
        name = re.sub(r"\s+", " ", data.name).strip()
        if not name:
            raise Problem(422, "validation", "name: must not be blank", field="name")
        if reason := weakness(data.password, email):
            raise Problem(422, "weak-password", f"password: {reason}", field="password")
        password_hash = await off_loop(hash_password, data.password)
        account_id, number, position = await command(request_actor(request, "user", email, role="owner"),
                                                     state.portal.open_account, email, name, password_hash)
        token = await issue_token(state.pool, account_id, email, state.settings.token_ttl_seconds)
        return accepted(position, SignedUp(account_id=account_id, customer_number=number, token=token.token,
                                           token_type=token.token_type, expires_at=token.expires_at,
                                           position=position), status=201)

    @post("/auth/login", status_code=200, summary="Exchange e-mail and password for a bearer token")
    async def log_in(self, data: LogIn, state: State) -> LoggedIn:
        email = normalised_email(data.email)
        try:
            account = await off_loop(state.portal.find_login, email)
        except NotFound:
            account = None
        stored_hash = account.password_hash if account else None
        if not await off_loop(password_matches, stored_hash, data.password) or account is None:
            raise Problem(401, "invalid-credentials", "Wrong e-mail or password")  # never say which
        token = await issue_token(state.pool, account.id, email, state.settings.token_ttl_seconds)
        return LoggedIn(account_id=account.id, token=token.token, token_type=token.token_type,
                        expires_at=token.expires_at)

    @post("/auth/logout", status_code=204, dependencies={"caller": Provide(current_caller)},
          summary="Revoke the token of this request")
    async def log_out(self, request: Request, caller: Caller, state: State) -> None:  # type: ignore[type-arg]
        await revoke_token(state.pool, bearer_token(request))
