"""Platform administration: staff members, and users' passwords set or reset by an administrator or by the
customer's reseller. Customers themselves are managed in gateway/customers.py, plans in gateway/plans.py."""

import secrets
from typing import Any, Literal
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.user_commands import PLATFORM_ACCOUNT, normalised_email
from domain.i18n import N_
from gateway.credentials import KnownTokens
from gateway.consistency import accepted, command, off_loop
from gateway.fields import EmailAddress, Name, Password, require_strong
from gateway.identity import Caller, hash_password, revoke_sessions, staff
from gateway.managers import Manager, managed, manager
from gateway.problems import Problem
from gateway.resets import send_invitation
from projections.email_secrets import keep_secrets

administrator = staff("administrator")


class NewStaff(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress
    name: Name
    role: Literal["administrator", "reseller", "help desk", "auditor"]


class NewPassword(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    password: Password | None = None  # None: generate one and e-mail it to the user


class Created(msgspec.Struct, kw_only=True):
    id: UUID
    position: int


class AdminController(Controller):
    path = "/v1/admin"
    tags = ["admin"]

    @post("/staff", status_code=201, dependencies={"caller": Provide(administrator)},
          summary="Add a platform staff member; they get a link to set a password")
    async def add_staff(self, data: NewStaff, caller: Caller, state: State, portal: Portal,
                        pool: asyncpg.Pool) -> Response[Any]:
        email = normalised_email(data.email)
        unusable = await off_loop(hash_password, secrets.token_urlsafe(32))
        user_id, position = await command(caller.actor, portal.add_user, PLATFORM_ACCOUNT, email,
                                          data.name.strip(), unusable, data.role)
        position = await send_invitation(portal, pool, state.settings.public_url, caller.actor, email, position)
        return accepted(position, Created(id=user_id, position=position), status=201)

    @post("/users/{user_id:uuid}/password", status_code=200, dependencies={"who": Provide(manager)},
          summary="Set a user's password by hand, or (no password given) reset it and e-mail a new one; "
                  "resellers for their own customers' users")
    async def set_password(self, user_id: UUID, data: NewPassword, who: Manager, pool: asyncpg.Pool,
                           portal: Portal, tokens: KnownTokens) -> Response[Any]:
        user = await off_loop(portal.user, user_id)
        if user.platform_role is not None and user.account_id == PLATFORM_ACCOUNT and who.scope is not None:
            raise Problem(404, "not-found", N_("No such user"))
        if user.account_id != PLATFORM_ACCOUNT:
            await managed(portal, who, user.account_id)
        password = data.password or secrets.token_urlsafe(12)
        if data.password is not None:
            require_strong(password, user.email)
        position = await command(who.caller.actor, portal.change_password, user.id,
                                 await off_loop(hash_password, password))
        await revoke_sessions(pool, tokens, user.id)
        if data.password is None:
            email_id, position = await command(who.caller.actor, portal.queue_email, user.account_id, user.email,
                                               "new_password", {"name": user.name}, ("password",))
            await keep_secrets(pool, email_id, {"password": password})
        return accepted(position)
