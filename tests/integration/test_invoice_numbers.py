"""Concurrent upgrades of many accounts, from two processes' worth of applications on the real PostgreSQL event
store: every invoice gets a number of its own, and the year's numbers have no gap."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.application import Portal
from domain.invoice_sequence import InvoiceSequence
from workers.config import Settings, event_store_env

pytestmark = pytest.mark.slow
ACCOUNTS = 40


@pytest.fixture
def rival(settings: Settings):  # type: ignore[no-untyped-def]
    """A second application on the same event store, as another gateway process would hold."""
    app = Portal(env=event_store_env(settings.database_url))
    yield app
    app.close()


def test_concurrent_upgrades_take_unique_gapless_numbers(portal: Portal, rival: Portal):
    year = datetime.now(UTC).year
    accounts = [portal.open_account(f"{uuid4().hex}@numbers.test", "Ann", "not-a-hash")[0] for _ in range(ACCOUNTS)]
    before = portal.current_position()

    def upgrade(i: int) -> None:
        (portal if i % 2 else rival).upgrade_license(accounts[i], "lite")
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(upgrade, range(ACCOUNTS)))

    numbers = [number for a in accounts for _, number in portal.account(a).unpaid]
    assert len(numbers) == len(set(numbers)) == ACCOUNTS
    recorded = [portal.mapper.to_domain_event(n) for n in portal.recorder.select_notifications(before + 1, 100_000)]
    sequence = [e.sequence for e in recorded if isinstance(e, InvoiceSequence.NumberTaken)
                and e.originator_id == InvoiceSequence.id_for(year)]
    assert sequence == list(range(sequence[0], sequence[0] + ACCOUNTS))  # in commit order, one after another
    assert sorted(int(n.split("-")[1]) for n in numbers) == sequence
