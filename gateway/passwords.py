"""Passwords: change (with the current one), and self-service reset by an e-mailed, single-use link: at most a
few e-mails an hour per login and per address, and a link spent (or the password changed) spends the others."""

from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Controller, Request, Response, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.i18n import N_, translated
from domain.user_commands import normalised_email
from gateway.credentials import KnownTokens
from gateway.consistency import accepted, command, off_loop
from gateway.fields import EmailAddress, Password, require_strong
from gateway.identity import Caller, bearer_token, hash_password, password_matches, revoke_sessions, user_caller
from gateway.language import answer_language
from gateway.problems import Problem
from gateway.resets import reset_link_user, send_limited_reset_link, spend_reset_link, spend_reset_links
from gateway.throttle import record_failure, refuse_when_throttled
from gateway.tracing import client_address, request_actor

INVALID_TOKEN = Problem(422, "invalid-reset-token", N_("{field}: the link is unknown, used or expired; ask for a new one"),
                        field="token")

RESET_ON_ITS_WAY = N_("If this address has a login, a reset link is on its way")  # whether or not it has


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    current_password: Password
    new_password: Password


class ResetRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress


class ResetConfirm(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    token: Annotated[str, msgspec.Meta(min_length=20, max_length=100)]
    new_password: Password


class PasswordController(Controller):
    path = "/v1/auth/password"
    tags = ["auth"]

    @post("", status_code=200, dependencies={"caller": Provide(user_caller)},
          summary="Change the password (needs the current one; wrong ones count like failed logins); ends the "
                  "user's other sessions")
    async def change(self, data: PasswordChange, request: Request, caller: Caller,
                     portal: Portal, pool: asyncpg.Pool, tokens: KnownTokens) -> Response[Any]:
        user = await off_loop(portal.user, caller.user_id)  # the aggregate: its password hash is the check
        address = client_address(request)  # a stolen session must not guess the password faster than a login
        await refuse_when_throttled(pool, user.email, address)
        if not await off_loop(password_matches, user.password_hash, data.current_password):
            await record_failure(pool, user.email, address)
            raise Problem(422, "wrong-password", N_("{field}: this is not the current password"),
                          field="current_password")
        if data.new_password == data.current_password:
            raise Problem(422, "validation", N_("{field}: choose a password other than the current one"),
                          field="new_password")
        require_strong(data.new_password, user.email, field="new_password")
        position = await command(caller.actor, portal.change_password, user.id,
                                 await off_loop(hash_password, data.new_password))
        await revoke_sessions(pool, tokens, user.id, keep=bearer_token(request))
        await spend_reset_links(pool, user.id)
        return accepted(position)

    @post("/reset", status_code=202, summary="E-mail a reset link; the same answer whether or not the login exists, "
                                             "or the hourly limit of e-mails is reached")
    async def request_reset(self, data: ResetRequest, request: Request,
                            state: State, portal: Portal, pool: asyncpg.Pool) -> Response[Any]:
        email = normalised_email(data.email)
        actor = request_actor(request, "user", email)
        return Response({"detail": translated(answer_language(request), RESET_ON_ITS_WAY)}, status_code=202,
                        background=BackgroundTask(send_limited_reset_link, portal, pool, state.settings.public_url,
                                                  actor, email, client_address(request)))

    @post("/reset/confirm", status_code=200, summary="Set a new password with the link's token (works once)")
    async def confirm_reset(self, data: ResetConfirm, request: Request,
                            portal: Portal, pool: asyncpg.Pool, tokens: KnownTokens) -> Response[Any]:
        user_id = await reset_link_user(pool, data.token)
        if user_id is None:
            raise INVALID_TOKEN
        user = await off_loop(portal.user, user_id)  # the aggregate: whether this login may still act
        if user.disabled or await off_loop(portal.account_disabled, user.account_id):
            raise INVALID_TOKEN
        require_strong(data.new_password, user.email, field="new_password")  # before spending the link
        if not await spend_reset_link(pool, data.token):
            raise INVALID_TOKEN  # spent by a concurrent request
        await spend_reset_links(pool, user.id)
        position = await command(request_actor(request, "user", user.email, role=user.role),
                                 portal.change_password, user.id, await off_loop(hash_password, data.new_password))
        await revoke_sessions(pool, tokens, user.id)
        return accepted(position)
