"""Reseller plans (administrators): the limits a reseller's customers live within."""

from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.reseller_plan import PlanLimits
from domain.user_commands import PLATFORM_ACCOUNT
from domain.i18n import N_
from gateway.consistency import MinPosition, accepted, command, off_loop, reach
from gateway.fields import ProductCode
from gateway.identity import Caller, staff
from gateway.problems import Problem
from projections.plans import PLANS, Plan, plan, plans

PlanName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Count = Annotated[int, msgspec.Meta(ge=0, le=10_000_000)]


class NewPlan(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: PlanName
    max_customers: Count
    max_clients: Count  # summed over the reseller's customers
    products: Annotated[list[ProductCode], msgspec.Meta(min_length=1)]
    max_concurrent_sessions: Count  # per customer
    api_access: bool
    namespaces: bool


class PlanPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: PlanName | msgspec.UnsetType = msgspec.UNSET
    max_customers: Count | msgspec.UnsetType = msgspec.UNSET
    max_clients: Count | msgspec.UnsetType = msgspec.UNSET
    products: Annotated[list[ProductCode], msgspec.Meta(min_length=1)] | msgspec.UnsetType = msgspec.UNSET
    max_concurrent_sessions: Count | msgspec.UnsetType = msgspec.UNSET
    api_access: bool | msgspec.UnsetType = msgspec.UNSET
    namespaces: bool | msgspec.UnsetType = msgspec.UNSET


class PlanCreated(msgspec.Struct, kw_only=True):
    plan_id: UUID
    position: int


def limits_of(fields: dict[str, Any]) -> PlanLimits:
    return PlanLimits(**{**{k: v for k, v in fields.items() if k != "name"}, "products": tuple(fields["products"])})


class PlansController(Controller):
    path = "/v1/admin/plans"
    tags = ["admin"]
    dependencies = {"caller": Provide(staff("administrator"))}

    @get("", summary="Every reseller plan, retired ones included")
    async def list_plans(self, caller: Caller, state: State, pool: asyncpg.Pool,
                         min_position: Annotated[int | None, MinPosition] = None) -> list[Plan]:
        await reach(state, PLANS.name, min_position)
        return await plans(pool, PLATFORM_ACCOUNT)

    @get("/{plan_id:uuid}", summary="One reseller plan")
    async def show(self, plan_id: UUID, caller: Caller, state: State, pool: asyncpg.Pool,
                   min_position: Annotated[int | None, MinPosition] = None) -> Plan:
        await reach(state, PLANS.name, min_position)
        found = await plan(pool, PLATFORM_ACCOUNT, plan_id)
        if found is None:
            raise Problem(404, "not-found", N_("No such plan"))
        return found

    @post("", status_code=201, summary="Create a reseller plan")
    async def create(self, data: NewPlan, caller: Caller, portal: Portal) -> Response[Any]:
        fields = msgspec.structs.asdict(data)
        plan_id, position = await command(caller.actor, portal.create_plan, data.name, limits_of(fields))
        return accepted(position, PlanCreated(plan_id=plan_id, position=position), status=201)

    @patch("/{plan_id:uuid}", summary="Change a plan's name or limits; its resellers meet the new limits at once")
    async def change(self, plan_id: UUID, data: PlanPatch, caller: Caller, portal: Portal) -> Response[Any]:
        current = await off_loop(portal.plan, plan_id)
        given = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        fields = {"name": current.name, **msgspec.structs.asdict(current.limits), **given}
        return accepted(await command(caller.actor, portal.change_plan, plan_id, fields["name"], limits_of(fields)))

    @delete("/{plan_id:uuid}", status_code=200, summary="Retire a plan: no new reseller gets it, those holding it "
                                                       "keep it")
    async def retire(self, plan_id: UUID, caller: Caller, portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.retire_plan, plan_id))
