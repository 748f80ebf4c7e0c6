"""The dashboard counters never drift, end to end: thousands of random device and portal commands on real
PostgreSQL, relayed to NATS and projected by real processes; then every account's counters on the License tab,
its aggregates, and the Clients and Sessions tables all equal a count over the event store."""

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from uuid import UUID, uuid4

import asyncpg
import pytest

from domain.application import Portal
from domain.client import Client
from domain.license_usage import LicenseUsage
from domain.session import Session
from projections.clients import CLIENTS
from projections.license import LICENSE_TAB
from projections.positions import position
from projections.sessions import SESSIONS
from tests.domain.test_usage_counters import Mix, online_clients
from tests.support import Roles, eventually
from workers.config import Settings

pytestmark = pytest.mark.slow

SEED = 20_261_121
ACCOUNTS = 4
COMMANDS_PER_ACCOUNT = 800


@dataclass
class Stored:
    """An account's state as the event store tells it."""

    linked: set[str] = field(default_factory=set)
    online: set[str] = field(default_factory=set)
    sessions: set[str] = field(default_factory=set)
    kinds: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class Run:
    mixes: dict[UUID, Mix]
    stored: dict[UUID, Stored]


def replay(portal: Portal, after: int, accounts: set[UUID]) -> dict[UUID, Stored]:
    """Every stored event since `after`, counted per account."""
    stored = {a: Stored() for a in accounts}
    start = after + 1
    while page := portal.recorder.select_notifications(start, 1_000):
        for event in map(portal.mapper.to_domain_event, page):
            own = stored.get(getattr(event, "account_id", None))
            if own is None:
                continue
            own.kinds[type(event).__qualname__] += 1
            match event:
                case LicenseUsage.ClientLinked():
                    own.linked.add(event.client_id)
                case LicenseUsage.ClientUnlinked():
                    own.linked.remove(event.client_id)
                case Client.CameOnline():
                    own.online.add(event.client_id)
                case Client.WentOffline():
                    own.online.remove(event.client_id)
                case Session.Started():
                    own.sessions.add(event.session_id)
                case Session.Ended():
                    own.sessions.remove(event.session_id)
        start = page[-1].id + 1
    return stored


def enterprise_mix(portal: Portal, seed: int) -> Mix:
    account_id = portal.open_account(f"{uuid4().hex}@counters.test", "Ann", "not-a-hash")[0]
    portal.upgrade_license(account_id, "enterprise")
    return Mix(portal, [account_id], random.Random(seed))


def run_mix(mix: Mix) -> None:
    for _ in range(COMMANDS_PER_ACCOUNT):
        mix.step()


@pytest.fixture(scope="module")
async def run(settings: Settings, portal: Portal, pool: asyncpg.Pool,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Run]:
    """The mix, one thread per account (each seeded), while a relay and a projector run; then their views
    caught up with the event store's head."""
    roles = Roles(settings, tmp_path_factory.mktemp("counters"))
    roles.start("relay")
    roles.start("projector")
    try:
        before = portal.current_position()
        mixes = [await asyncio.to_thread(enterprise_mix, portal, SEED + i) for i in range(ACCOUNTS)]
        await asyncio.gather(*(asyncio.to_thread(run_mix, mix) for mix in mixes))
        head = portal.current_position()

        async def caught_up() -> bool:
            return all([await position(pool, view.name) >= head for view in (LICENSE_TAB, CLIENTS, SESSIONS)])

        await eventually(caught_up, timeout=180, what=f"the views to reach position {head}")
        by_account = {mix.accounts[0]: mix for mix in mixes}
        yield Run(by_account, await asyncio.to_thread(replay, portal, before, set(by_account)))
    finally:
        roles.stop_all()


async def test_the_mix_moves_every_counter_both_ways(run: Run):
    for stored in run.stored.values():
        for kind in ("LicenseUsage.ClientLinked", "LicenseUsage.ClientUnlinked", "Client.CameOnline",
                     "Client.WentOffline", "Session.Started", "Session.Ended"):
            assert stored.kinds[kind] > 10, (kind, stored.kinds)


async def test_the_license_tab_counters_equal_counts_over_the_event_store(run: Run, pool: asyncpg.Pool):
    for account_id, stored in run.stored.items():
        row = await pool.fetchrow("SELECT linked_clients, online_clients, active_sessions FROM license_tab "
                                  "WHERE account_id = $1", account_id)
        assert tuple(row) == (len(stored.linked), len(stored.online), len(stored.sessions))


async def test_the_aggregates_equal_counts_over_the_event_store(run: Run, portal: Portal):
    for account_id, stored in run.stored.items():
        usage = portal.usage(account_id)
        assert set(usage.linked) == stored.linked
        assert online_clients(portal, account_id, run.mixes[account_id].clients[account_id]) == stored.online
        assert set(usage.sessions) == stored.sessions


async def test_the_clients_and_sessions_tables_agree_with_the_event_store(run: Run, pool: asyncpg.Pool):
    for account_id, stored in run.stored.items():
        linked = await pool.fetch("SELECT client_id FROM clients WHERE account_id = $1 AND linked", account_id)
        online = await pool.fetch("SELECT client_id FROM clients WHERE account_id = $1 AND online_since IS NOT NULL",
                                  account_id)
        active = await pool.fetch("SELECT session_id FROM sessions WHERE account_id = $1 AND ended_at IS NULL",
                                  account_id)
        assert {r["client_id"] for r in linked} == stored.linked
        assert {r["client_id"] for r in online} == stored.online
        assert {r["session_id"] for r in active} == stored.sessions
