"""Passwords: change (with the current one), and self-service reset by an e-mailed, single-use link: at most a
few e-mails an hour per login and per address, and a link spent (or the password changed) spends the others."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.di import Provide

from domain.actor import Actor
from domain.user_commands import normalised_email
from gateway.auth import require_strong
from gateway.consistency import accepted, command, off_loop
from gateway.fields import EmailAddress, Password
from gateway.identity import Caller, bearer_token, hash_password, password_matches, revoke_sessions, user_caller
from gateway.problems import Problem
from gateway.throttle import record_failure, refuse_when_throttled, reset_mail_allowed
from gateway.tracing import client_address, request_actor
from projections.email_secrets import keep_secrets

RESET_VALID = timedelta(minutes=60)
INVALID_TOKEN = Problem(422, "invalid-reset-token", "token: the link is unknown, used or expired; ask for a new one",
                        field="token")


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    current_password: Password
    new_password: Password


class ResetRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress


class ResetConfirm(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    token: Annotated[str, msgspec.Meta(min_length=20, max_length=100)]
    new_password: Password


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def send_reset_link(state: State, actor: Actor, email: str, template: str = "password_reset") -> None:
    """Runs after the answer is sent, so the answer's timing never tells whether the address has a login.
    `template` "invitation" greets someone whose login was just made for them."""
    user = await off_loop(state.portal.find_login_or_none, email)
    if user is None or user.disabled or await off_loop(state.portal.account_disabled, user.account_id):
        return
    token = secrets.token_urlsafe(32)
    await state.pool.execute("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
                             _digest(token), user.id, datetime.now(UTC) + RESET_VALID)
    email_id, _ = await command(actor, state.portal.queue_email, user.account_id, email, template,
                                {"name": user.name, "expires_minutes": str(RESET_VALID.seconds // 60)},
                                ("reset_url",))
    await keep_secrets(state.pool, email_id,
                       {"reset_url": f"{state.settings.public_url}/reset-password?token={token}"})


async def send_limited_reset_link(state: State, actor: Actor, email: str, address: str) -> None:
    if await reset_mail_allowed(state.pool, email, address):
        await send_reset_link(state, actor, email)


async def spend_reset_links(state: State, user_id: UUID) -> None:
    """Every outstanding link of the user stops working: one was used, or the password changed anyway."""
    await state.pool.execute("UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
                             user_id)


class PasswordController(Controller):
    path = "/v1/auth/password"
    tags = ["auth"]

    @post("", status_code=200, dependencies={"caller": Provide(user_caller)},
          summary="Change the password (needs the current one; wrong ones count like failed logins); ends the "
                  "user's other sessions")
    async def change(self, data: PasswordChange, request: Request, caller: Caller,  # type: ignore[type-arg]
                     state: State) -> Response[Any]:
        user = await off_loop(state.portal.user, caller.user_id)
        address = client_address(request)  # a stolen session must not guess the password faster than a login
        await refuse_when_throttled(state.pool, user.email, address)
        if not await off_loop(password_matches, user.password_hash, data.current_password):
            await record_failure(state.pool, user.email, address)
            raise Problem(422, "wrong-password", "current_password: this is not the current password",
                          field="current_password")
        if data.new_password == data.current_password:
            raise Problem(422, "validation", "new_password: choose a password other than the current one",
                          field="new_password")
        require_strong(data.new_password, user.email, field="new_password")
        position = await command(caller.actor, state.portal.change_password, user.id,
                                 await off_loop(hash_password, data.new_password))
        await revoke_sessions(state.pool, user.id, keep=bearer_token(request))
        await spend_reset_links(state, user.id)
        return accepted(position)

    @post("/reset", status_code=202, summary="E-mail a reset link; the same answer whether or not the login exists, "
                                             "or the hourly limit of e-mails is reached")
    async def request_reset(self, data: ResetRequest, request: Request,  # type: ignore[type-arg]
                            state: State) -> Response[Any]:
        email = normalised_email(data.email)
        actor = request_actor(request, "user", email)
        return Response({"detail": "If this address has a login, a reset link is on its way"}, status_code=202,
                        background=BackgroundTask(send_limited_reset_link, state, actor, email,
                                                  client_address(request)))

    @post("/reset/confirm", status_code=200, summary="Set a new password with the link's token (works once)")
    async def confirm_reset(self, data: ResetConfirm, request: Request,  # type: ignore[type-arg]
                            state: State) -> Response[Any]:
        user_id = await state.pool.fetchval(
            "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()",
            _digest(data.token))
        if user_id is None:
            raise INVALID_TOKEN
        user = await off_loop(state.portal.user, UUID(bytes=user_id.bytes))
        if user.disabled or await off_loop(state.portal.account_disabled, user.account_id):
            raise INVALID_TOKEN
        require_strong(data.new_password, user.email, field="new_password")  # before spending the link
        if await state.pool.fetchval("UPDATE password_resets SET used_at = now() WHERE token_hash = $1 "
                                     "AND used_at IS NULL RETURNING true", _digest(data.token)) is None:
            raise INVALID_TOKEN  # spent by a concurrent request
        await spend_reset_links(state, user.id)
        position = await command(request_actor(request, "user", user.email, role=user.role),
                                 state.portal.change_password, user.id, await off_loop(hash_password, data.new_password))
        await revoke_sessions(state.pool, user.id)
        return accepted(position)
