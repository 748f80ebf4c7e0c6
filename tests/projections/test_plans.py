"""The reseller plans read model (projections.plans) fed contract events: a plan's terms as created, changed
and retired, the platform's list, and what a reseller uses of its plan."""

from uuid import UUID, uuid4

import pytest

from domain.contract.customers import (AccountDeleted, ResellerClientCounted, ResellerClientUncounted,
                                       ResellerCustomerAdded, ResellerCustomerRemoved, ResellerPlanChanged,
                                       ResellerPlanCreated, ResellerPlanRetired, ResellerPlanSwitched,
                                       ResellerStarted)
from projections.plans import PLANS, plan, plans, usage
from tests.projections.conftest import Feed

TERMS = {"name": "Silver", "max_customers": 10, "max_clients": 100, "products": ["lite", "professional"],
         "max_concurrent_sessions": 5, "api_access": True, "namespaces": False}


@pytest.fixture
def platform(conn) -> Feed:
    return Feed(conn, PLANS)


@pytest.fixture
def reseller(conn) -> Feed:
    return Feed(conn, PLANS)


async def created(platform: Feed, **terms) -> UUID:
    plan_id = uuid4()
    await platform(ResellerPlanCreated, aggregate_id=plan_id, plan_id=plan_id, **{**TERMS, **terms})
    return plan_id


async def terms(platform: Feed, plan_id: UUID) -> dict:
    shown = await plan(platform.conn, platform.account_id, plan_id)
    return {t: getattr(shown, t) for t in TERMS}


async def test_a_created_plan_shows_its_terms_not_retired(platform):
    plan_id = await created(platform)

    shown = await plan(platform.conn, platform.account_id, plan_id)

    assert (await terms(platform, plan_id), shown.retired, shown.created_at) == (TERMS, False, platform.at(1))


async def test_a_change_replaces_every_term(platform):
    plan_id = await created(platform)
    changed = {**TERMS, "name": "Gold", "max_clients": 500, "products": ["power"], "namespaces": True}

    await platform(ResellerPlanChanged, aggregate_id=plan_id, **changed)

    assert await terms(platform, plan_id) == changed


async def test_a_retired_plan_stays_listed_as_retired(platform):
    plan_id = await created(platform)

    await platform(ResellerPlanRetired, aggregate_id=plan_id)

    assert [(p.plan_id, p.retired) for p in await plans(platform.conn, platform.account_id)] == [(plan_id, True)]


async def test_plans_are_listed_oldest_first(platform):
    made = [await created(platform, name=name) for name in ("b", "a", "c")]

    assert [p.plan_id for p in await plans(platform.conn, platform.account_id)] == made


async def test_a_redelivered_creation_keeps_the_changed_terms(platform):
    plan_id = await created(platform)
    creation = platform.last
    await platform(ResellerPlanChanged, aggregate_id=plan_id, **{**TERMS, "name": "Gold"})

    await platform.deliver(*creation)

    assert (await terms(platform, plan_id))["name"] == "Gold"


async def test_a_reseller_uses_nothing_of_its_plan_when_it_starts(platform, reseller):
    plan_id = await created(platform)
    await reseller(ResellerStarted, plan_id=plan_id)

    used = await usage(reseller.conn, platform.account_id, reseller.account_id)

    assert (used.plan.plan_id, used.customers, used.clients) == (plan_id, 0, 0)


async def test_customers_and_clients_are_counted_both_ways(platform, reseller):
    await reseller(ResellerStarted, plan_id=await created(platform))
    for event_type in (ResellerCustomerAdded, ResellerCustomerAdded, ResellerCustomerRemoved,
                       ResellerClientCounted, ResellerClientCounted, ResellerClientCounted, ResellerClientUncounted):
        await reseller(event_type, customer_id=uuid4())

    used = await usage(reseller.conn, platform.account_id, reseller.account_id)

    assert (used.customers, used.clients) == (1, 2)


async def test_a_switched_reseller_uses_its_new_plan_keeping_its_counts(platform, reseller):
    await reseller(ResellerStarted, plan_id=await created(platform))
    await reseller(ResellerCustomerAdded, customer_id=uuid4())
    gold = await created(platform, name="Gold")

    await reseller(ResellerPlanSwitched, plan_id=gold)

    used = await usage(reseller.conn, platform.account_id, reseller.account_id)
    assert (used.plan.name, used.customers) == ("Gold", 1)


async def test_a_reseller_without_a_plan_has_no_usage(platform, reseller):
    assert await usage(reseller.conn, platform.account_id, reseller.account_id) is None


async def test_a_deleted_resellers_usage_is_erased_and_the_plan_kept(platform, reseller):
    plan_id = await created(platform)
    await reseller(ResellerStarted, plan_id=plan_id)

    await reseller(AccountDeleted)

    assert await usage(reseller.conn, platform.account_id, reseller.account_id) is None
    assert await plan(platform.conn, platform.account_id, plan_id) is not None
