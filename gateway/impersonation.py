"""Log in as a customer, the safe way: staff start an impersonation (reason, at most an hour) and get a token
acting as the owner; the customer is e-mailed, sees every access in GET /v1/account/access and may end it
(there too the help desk's read-only sessions, gateway/helpdesk.py)."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.impersonation import MAX_MINUTES
from domain.user import User
from domain.i18n import N_
from gateway.credentials import KnownTokens
from gateway.consistency import MinPosition, accepted, command, reach
from gateway.identity import Caller, customer, issue_access_token, owner, revoke_access
from gateway.managers import Manager, managed, manager
from gateway.problems import Problem
from projections.impersonations import IMPERSONATIONS, Access, accesses


class StartImpersonation(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500, description="Shown to the customer")]
    minutes: Annotated[int, msgspec.Meta(ge=1, le=MAX_MINUTES)]


class Started(msgspec.Struct, kw_only=True):
    impersonation_id: UUID
    token: str  # a bearer token acting as the customer's owner until expires_at
    expires_at: datetime
    position: int


async def account_owner(token_caller: Caller) -> Caller:
    return await owner(await customer(token_caller))


async def impersonator(token_caller: Caller) -> Caller:
    if token_caller.access_id is None or token_caller.scope != "write":
        raise Problem(403, "forbidden", N_("Only an impersonation token ends an impersonation this way"))
    return token_caller


class ImpersonationController(Controller):
    path = "/v1"
    tags = ["impersonation"]

    @post("/admin/customers/{account_id:uuid}/impersonation", status_code=201, dependencies={"who": Provide(manager)},
          summary="Act as the customer's owner for a while, with a reason the customer is told")
    async def start(self, account_id: UUID, data: StartImpersonation, who: Manager, portal: Portal,
                    pool: asyncpg.Pool) -> Response[Any]:
        account = await managed(portal, who, account_id)
        if who.caller.user_id is None:
            raise Problem(403, "forbidden", N_("Only a person may act for a customer"))
        started, position = await command(who.caller.actor, portal.start_impersonation, account_id,
                                          who.caller.user_id, who.caller.email, data.reason, data.minutes)
        token = await issue_access_token(
            pool, kind="impersonation", account_id=account_id, owner_id=User.id_for(account.email),
            staff_email=who.caller.email, staff_role=who.caller.platform_role or "reseller",
            access_id=started.impersonation_id, expires_at=started.expires_at)
        return accepted(position, Started(impersonation_id=started.impersonation_id, token=token,
                                          expires_at=started.expires_at, position=position), status=201)

    @delete("/impersonation", status_code=200, dependencies={"caller": Provide(impersonator)},
            summary="End the impersonation this token acts for")
    async def end(self, caller: Caller, portal: Portal, pool: asyncpg.Pool, tokens: KnownTokens) -> Response[Any]:
        position = await command(caller.actor, portal.end_impersonation, caller.account_id, caller.access_id,
                                 "staff")
        await revoke_access(pool, tokens, caller.access_id)  # type: ignore[arg-type]
        return accepted(position)

    @get("/account/access", dependencies={"caller": Provide(account_owner)},
         summary="Who from support acted in the account, why and until when; current ones first")
    async def list_access(self, caller: Caller, state: State, pool: asyncpg.Pool,
                          min_position: Annotated[int | None, MinPosition] = None) -> list[Access]:
        await reach(state, IMPERSONATIONS.name, min_position)
        return await accesses(pool, caller.account_id)

    @delete("/account/access/{access_id:uuid}", status_code=200, dependencies={"caller": Provide(account_owner)},
            summary="End a current access of staff to the account: an impersonation or a help-desk read-only session")
    async def end_access(self, access_id: UUID, caller: Caller, portal: Portal, pool: asyncpg.Pool,
                         tokens: KnownTokens) -> Response[Any]:
        position = await command(caller.actor, portal.end_access, caller.account_id, access_id, "customer")
        await revoke_access(pool, tokens, access_id)
        return accepted(position)
