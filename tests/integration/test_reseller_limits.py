"""A reseller's limits hold when several processes write at once: two applications on the same PostgreSQL
(each with its own in-process locks) race to create customers and link clients; the event store's version
check on the reseller's aggregate lets exactly the limit through."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID, uuid4

import pytest

from domain.application import Portal
from domain.customer_commands import Profile
from domain.errors import ConcurrentChange, CustomerLimitReached, ResellerClientLimitReached
from domain.reseller_plan import PlanLimits
from workers.config import Settings, event_store_env

LIMITS = PlanLimits(max_customers=10, max_clients=6, products=("free",), max_concurrent_sessions=1,
                    api_access=True, namespaces=False)


@pytest.fixture
def second(settings: Settings) -> Iterator[Portal]:
    """Another gateway process's application: its locks know nothing of the first one's."""
    app = Portal(env=event_store_env(settings.database_url))
    yield app
    app.close()


def new_reseller(portal: Portal) -> UUID:
    plan_id, _ = portal.create_plan("Race", LIMITS)
    account_id, _, _ = portal.create_customer(f"{uuid4().hex}@reseller.test", "not-a-hash",
                                              Profile(name="R", account_type="reseller", plan_id=plan_id))
    return account_id


def outcomes(attempts: list) -> list[str]:
    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(attempt) for attempt in attempts]
    results = []
    for future in futures:
        error = future.exception()
        results.append("done" if error is None else type(error).__name__)
    return results


def test_fifty_creations_from_two_processes_create_exactly_ten(portal: Portal, second: Portal) -> None:
    reseller = new_reseller(portal)

    def create(app: Portal):  # type: ignore[no-untyped-def]
        return lambda: app.create_customer(f"{uuid4().hex}@race.test", "not-a-hash", Profile(name="C"), reseller)

    results = outcomes([create(portal if i % 2 else second) for i in range(50)])

    assert results.count("done") == 10
    assert set(results) <= {"done", CustomerLimitReached.__name__, ConcurrentChange.__name__}
    assert len(portal.reseller(reseller).customers) == 10  # type: ignore[union-attr]


def test_registrations_from_two_processes_stop_at_the_resellers_client_total(portal: Portal,
                                                                             second: Portal) -> None:
    reseller = new_reseller(portal)
    customers = [portal.create_customer(f"{uuid4().hex}@race.test", "not-a-hash", Profile(name="C"), reseller)[0]
                 for _ in range(3)]

    def register(app: Portal, customer):  # type: ignore[no-untyped-def]
        return lambda: app.register_client(customer, str(uuid4().int)[:10], "1.0", "linux")

    results = outcomes([register(portal if i % 2 else second, customers[i % 3]) for i in range(9)])

    assert results.count("done") == 6
    assert set(results) <= {"done", ResellerClientLimitReached.__name__, ConcurrentChange.__name__}
    assert portal.reseller(reseller).clients == 6  # type: ignore[union-attr]
