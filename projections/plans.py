"""Reseller plans and what each reseller uses of its plan (the seed's "reseller usage")."""

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from domain.contract.customers import (ResellerClientCounted, ResellerClientUncounted, ResellerCustomerAdded, ResellerCustomerRemoved,
                                       ResellerPlanChanged, ResellerPlanCreated, ResellerPlanRetired,
                                       ResellerPlanSwitched, ResellerStarted)
from projections.fold import Fold
from projections.erasure import erases_deleted_accounts
from projections.readmodel import Handler, ReadModel

PLANS = ReadModel("plans", tables=("reseller_plans", "reseller_usage"))
erases_deleted_accounts(PLANS, "reseller_usage")
TERMS = ("name", "max_customers", "max_clients", "products", "max_concurrent_sessions", "api_access", "namespaces")


class Terms(msgspec.Struct):
    account_id: UUID
    aggregate_id: UUID
    name: str
    max_customers: int
    max_clients: int
    products: list[str]
    max_concurrent_sessions: int
    api_access: bool
    namespaces: bool
    occurred_at: datetime


@PLANS.on(ResellerPlanCreated, Terms)
async def _created(conn: Fold, e: Terms, position: int) -> None:
    await conn.execute(
        f"""INSERT INTO reseller_plans (account_id, plan_id, {", ".join(TERMS)}, created_at, position)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING""",
        e.account_id, e.aggregate_id, *(getattr(e, t) for t in TERMS), e.occurred_at, position)


@PLANS.on(ResellerPlanChanged, Terms)
async def _changed(conn: Fold, e: Terms, position: int) -> None:
    assignments = ", ".join(f"{t} = ${i}" for i, t in enumerate(TERMS, start=3))
    await conn.execute(f"UPDATE reseller_plans SET {assignments}, position = $10 "
                       "WHERE account_id = $1 AND plan_id = $2",
                       e.account_id, e.aggregate_id, *(getattr(e, t) for t in TERMS), position)


class PlanEvent(msgspec.Struct):
    account_id: UUID
    aggregate_id: UUID


@PLANS.on(ResellerPlanRetired, PlanEvent)
async def _retired(conn: Fold, e: PlanEvent, position: int) -> None:
    await conn.execute("UPDATE reseller_plans SET retired = true, position = $3 WHERE account_id = $1 "
                       "AND plan_id = $2", e.account_id, e.aggregate_id, position)


class Holding(msgspec.Struct):
    account_id: UUID
    plan_id: UUID


@PLANS.on(ResellerStarted, Holding)
async def _started(conn: Fold, e: Holding, position: int) -> None:
    await conn.execute("INSERT INTO reseller_usage (account_id, plan_id, position) VALUES ($1, $2, $3) "
                       "ON CONFLICT DO NOTHING", e.account_id, e.plan_id, position)


@PLANS.on(ResellerPlanSwitched, Holding)
async def _switched(conn: Fold, e: Holding, position: int) -> None:
    await conn.execute("UPDATE reseller_usage SET plan_id = $2, position = $3 WHERE account_id = $1",
                       e.account_id, e.plan_id, position)


class Counted(msgspec.Struct):
    account_id: UUID


def _count(column: str, step: int) -> Handler:
    async def apply(conn: Fold, e: Counted, position: int) -> None:
        # An increment is safe: the projector applies each event exactly once.
        await conn.execute(f"UPDATE reseller_usage SET {column} = {column} + $2, position = $3 "
                           "WHERE account_id = $1", e.account_id, step, position)
    return apply


for event_type, column, step in ((ResellerCustomerAdded, "customers", 1), (ResellerCustomerRemoved, "customers", -1),
                                 (ResellerClientCounted, "clients", 1), (ResellerClientUncounted, "clients", -1)):
    PLANS.on(event_type, Counted)(_count(column, step))


# -- queries ---------------------------------------------------------------------------------------------

class Plan(msgspec.Struct, kw_only=True):
    plan_id: UUID
    name: str
    max_customers: int
    max_clients: int
    products: list[str]
    max_concurrent_sessions: int
    api_access: bool
    namespaces: bool
    retired: bool
    created_at: datetime


class Usage(msgspec.Struct, kw_only=True):
    """A reseller's plan with what it uses of each limit."""

    plan: Plan
    customers: int
    clients: int


PLAN_COLUMNS = f"p.plan_id, {', '.join('p.' + t for t in TERMS)}, p.retired, p.created_at"


async def plans(pool: asyncpg.Pool, platform: UUID) -> list[Plan]:
    rows = await pool.fetch(f"SELECT {PLAN_COLUMNS} FROM reseller_plans p WHERE p.account_id = $1 "
                            "ORDER BY p.created_at, p.plan_id", platform)
    return [Plan(**dict(r)) for r in rows]


async def plan(pool: asyncpg.Pool, platform: UUID, plan_id: UUID) -> Plan | None:
    row = await pool.fetchrow(f"SELECT {PLAN_COLUMNS} FROM reseller_plans p WHERE p.account_id = $1 "
                              "AND p.plan_id = $2", platform, plan_id)
    return Plan(**dict(row)) if row else None


async def usage(pool: asyncpg.Pool, platform: UUID, reseller_id: UUID) -> Usage | None:
    row = await pool.fetchrow(
        f"""SELECT {PLAN_COLUMNS}, u.customers, u.clients FROM reseller_usage u
            JOIN reseller_plans p ON p.account_id = $1 AND p.plan_id = u.plan_id WHERE u.account_id = $2""",
        platform, reseller_id)
    if row is None:
        return None
    values = dict(row)
    counts = {"customers": values.pop("customers"), "clients": values.pop("clients")}
    return Usage(plan=Plan(**values), customers=counts["customers"], clients=counts["clients"])
