"""The account's users: the owner lists them, adds members (who get an e-mail to choose a password), and
disables or re-enables them."""

import secrets
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.user_commands import normalised_email
from gateway.credentials import KnownTokens
from gateway.consistency import MinPosition, accepted, command, off_loop, reach
from gateway.fields import EmailAddress, Name
from gateway.identity import Caller, hash_password, owner, revoke_sessions
from gateway.resets import send_invitation
from projections.users import USERS, UserRow, account_users


class NewUser(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress
    name: Name


class UserPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    disabled: bool


class UserAdded(msgspec.Struct, kw_only=True):
    user_id: UUID
    position: int


class UsersController(Controller):
    path = "/v1/users"
    tags = ["users"]
    dependencies = {"caller": Provide(owner)}

    @get("", summary="The account's users and their roles")
    async def list_users(self, caller: Caller, state: State, pool: asyncpg.Pool,
                         min_position: Annotated[int | None, MinPosition] = None) -> list[UserRow]:
        await reach(state, USERS.name, min_position)
        return await account_users(pool, caller.account_id)

    @post("", status_code=201, summary="Add a member; they get an e-mail with a link to choose their password")
    async def add_user(self, data: NewUser, request: Request, caller: Caller,
                       state: State, portal: Portal, pool: asyncpg.Pool) -> Response[Any]:
        email = normalised_email(data.email)
        unusable = await off_loop(hash_password, secrets.token_urlsafe(32))  # until they choose their own
        user_id, position = await command(caller.actor, portal.add_user, caller.account_id, email,
                                          data.name.strip(), unusable)
        position = await send_invitation(portal, pool, state.settings.public_url, caller.actor, email, position)
        return accepted(position, UserAdded(user_id=user_id, position=position), status=201)

    @patch("/{user_id:uuid}", summary="Disable a member (their sessions end at once) or enable them again")
    async def change_user(self, user_id: UUID, data: UserPatch, caller: Caller, portal: Portal,
                          pool: asyncpg.Pool, tokens: KnownTokens) -> Response[Any]:
        position = await command(caller.actor, portal.set_user_disabled, caller.account_id, user_id,
                                 data.disabled, by=caller.user_id)
        if data.disabled:
            await revoke_sessions(pool, tokens, user_id)
        return accepted(position)
