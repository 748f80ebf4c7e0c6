"""Account administration for platform staff (MediaCP's admin area): customers, staff, access switches and
password resets. Administrators reach every account; resellers only the customers they manage."""

import secrets
from typing import Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, post, put
from litestar.datastructures import State
from litestar.di import Provide

from domain.user_commands import PLATFORM_ACCOUNT, normalised_email
from gateway.auth import require_strong
from gateway.consistency import accepted, command, off_loop, reach
from gateway.fields import EmailAddress, Name, Password
from gateway.identity import Caller, hash_password, revoke_sessions, staff
from gateway.passwords import send_reset_link
from gateway.problems import Problem
from projections.access import ACCOUNT_ACCESS
from projections.email_secrets import keep_secrets

administrator = staff("administrator")
account_managers = staff("administrator", "reseller")


class NewCustomer(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress
    name: Name


class NewStaff(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: EmailAddress
    name: Name
    role: Literal["administrator", "reseller", "help desk", "auditor"]


class Switch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    enabled: bool


class NewPassword(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    password: Password | None = None  # None: generate one and e-mail it to the user


class Created(msgspec.Struct, kw_only=True):
    id: UUID
    position: int


async def managed_account(state: State, caller: Caller, account_id: UUID) -> UUID:
    """An account this caller administers; others answer 404 (never revealing that they exist)."""
    account = await off_loop(state.portal.account, account_id)
    if caller.platform_role != "administrator" and account.reseller_id != caller.user_id:
        raise Problem(404, "not-found", "No such account")
    return account_id


class AdminController(Controller):
    path = "/v1/admin"
    tags = ["admin"]
    dependencies = {"caller": Provide(account_managers)}

    @post("/customers", status_code=201, summary="Create a customer account; its owner gets a link to set a password")
    async def create_customer(self, data: NewCustomer, caller: Caller, state: State) -> Response[Any]:
        email = normalised_email(data.email)
        reseller = caller.user_id if caller.platform_role == "reseller" else None
        unusable = await off_loop(hash_password, secrets.token_urlsafe(32))
        account_id, _, position = await command(caller.actor, state.portal.open_account, email, data.name.strip(),
                                                unusable, reseller)
        await send_reset_link(state, caller.actor, email, "invitation")
        return accepted(position, Created(id=account_id, position=position), status=201)

    @post("/staff", status_code=201, dependencies={"caller": Provide(administrator)},
          summary="Add a platform staff member; they get a link to set a password")
    async def add_staff(self, data: NewStaff, caller: Caller, state: State) -> Response[Any]:
        email = normalised_email(data.email)
        unusable = await off_loop(hash_password, secrets.token_urlsafe(32))
        user_id, position = await command(caller.actor, state.portal.add_user, PLATFORM_ACCOUNT, email,
                                          data.name.strip(), unusable, data.role)
        await send_reset_link(state, caller.actor, email, "invitation")
        return accepted(position, Created(id=user_id, position=position), status=201)

    @put("/accounts/{account_id:uuid}/enabled", summary="Switch a customer account off (no login, no token works) "
                                                      "or on again")
    async def set_enabled(self, account_id: UUID, data: Switch, caller: Caller, state: State) -> Response[Any]:
        await managed_account(state, caller, account_id)
        position = await command(caller.actor, state.portal.set_account_disabled, account_id, not data.enabled)
        await reach(state, ACCOUNT_ACCESS.name, position)  # in force for every token once this answers
        if not data.enabled:  # sessions and API keys end for good: enabling again must not revive a stolen one
            await state.pool.execute("UPDATE auth_tokens SET revoked_at = now() WHERE account_id = $1 "
                                     "AND revoked_at IS NULL", account_id)
        return accepted(position)

    @put("/accounts/{account_id:uuid}/api-access", summary="Switch the account's API access (its API keys) off "
                                                         "or on")
    async def set_api_access(self, account_id: UUID, data: Switch, caller: Caller, state: State) -> Response[Any]:
        await managed_account(state, caller, account_id)
        position = await command(caller.actor, state.portal.set_api_access, account_id, data.enabled)
        await reach(state, ACCOUNT_ACCESS.name, position)
        return accepted(position)

    @post("/users/{user_id:uuid}/password", status_code=200,
          summary="Set a user's password by hand, or (no password given) reset it and e-mail a new one")
    async def set_password(self, user_id: UUID, data: NewPassword, request: Request,  # type: ignore[type-arg]
                           caller: Caller, state: State) -> Response[Any]:
        user = await off_loop(state.portal.user, user_id)
        if user.platform_role is not None and caller.platform_role != "administrator":
            raise Problem(404, "not-found", "No such user")
        if user.platform_role is None:
            await managed_account(state, caller, user.account_id)
        password = data.password or secrets.token_urlsafe(12)
        if data.password is not None:
            require_strong(password, user.email)
        position = await command(caller.actor, state.portal.change_password, user.id,
                                 await off_loop(hash_password, password))
        await revoke_sessions(state.pool, user.id)
        if data.password is None:
            email_id, position = await command(caller.actor, state.portal.queue_email, user.account_id, user.email,
                                               "new_password", {"name": user.name}, ("password",))
            await keep_secrets(state.pool, email_id, {"password": password})
        return accepted(position)
