"""Timers as real processes (`portal timers`, two replicas) with a relay and a projector: a silent client goes
offline, an overdue session closes, an expired license falls back to free — each recorded exactly once."""

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import pytest

from domain import store
from domain.application import Portal
from domain.client import Client
from domain.invoice import Invoice
from domain.license import License
from domain.session import Session
from projections import presence
from tests.support import Roles, eventually
from workers.config import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def timers(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Roles]:
    """A relay, a projector and two timer replicas, with a presence timeout of one second."""
    roles = Roles(settings, tmp_path_factory.mktemp("timers"))
    roles.env["PORTAL_PRESENCE_TIMEOUT_SECONDS"] = "1"
    for role in ("relay", "projector", "timers", "timers"):
        roles.start(role)
    yield roles
    assert all(p.poll() is None for p in roles.running), "a role exited early; see its log"
    roles.stop_all()


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """The domain's clock stopped at `moment` in this process (other processes keep the real time)."""
    real = store.now
    with pytest.MonkeyPatch.context() as patch:
        for name, module in list(sys.modules.items()):
            if name.startswith("domain.") and getattr(module, "now", None) is real:
                patch.setattr(module, "now", lambda: moment)
        yield


def new_account(portal: Portal) -> UUID:
    return portal.open_account(f"{uuid4().hex}@timers.test", "Ann", "not-a-hash")[0]


def new_client_id() -> str:
    return str(1_000_000_000 + uuid4().int % 9_000_000_000)


def recorded(portal: Portal, after: int, kind: type) -> list:
    """Every stored event of this type since position `after`."""
    events, start = [], after + 1
    while page := portal.recorder.select_notifications(start, 1_000):
        events += [e for e in map(portal.mapper.to_domain_event, page) if isinstance(e, kind)]
        start = page[-1].id + 1
    return events


async def came_online_then_silent(portal: Portal, pool: asyncpg.Pool, account_id: UUID, client_id: str) -> int:
    """What the gateway does on a first heartbeat; then the client never beats again. Answers the position."""
    await asyncio.to_thread(portal.register_client, account_id, client_id, "1.0", "linux")
    async with presence.locked(pool, account_id, client_id) as row:
        position = await asyncio.to_thread(portal.client_came_online, account_id, client_id, "1.0")
        await row.mark(online=True, version="1.0")
    return position


async def shown_offline(pool: asyncpg.Pool, account_id: UUID, client_id: str, after: int) -> None:
    async def offline() -> bool:
        return bool(await pool.fetchval(
            "SELECT position > $3 AND online_since IS NULL FROM clients WHERE account_id = $1 AND client_id = $2",
            account_id, client_id, after))

    await eventually(offline, timeout=60, what=f"client {client_id} to show offline")


async def later_sweeps(portal: Portal, pool: asyncpg.Pool) -> None:
    """Wait out the sweeps under way: a fresh silent client goes offline only after a presence timeout,
    by which time both replicas have swept again (a tick is one second, a sweep takes milliseconds)."""
    account_id, client_id = await asyncio.to_thread(new_account, portal), new_client_id()
    position = await came_online_then_silent(portal, pool, account_id, client_id)
    await shown_offline(pool, account_id, client_id, position)


async def test_a_client_that_stops_beating_goes_offline_exactly_once(timers, portal: Portal, pool: asyncpg.Pool):
    before = portal.current_position()
    account_id = await asyncio.to_thread(new_account, portal)
    clients = [new_client_id() for _ in range(3)]  # the free tier's seats
    positions = [await came_online_then_silent(portal, pool, account_id, c) for c in clients]

    for client_id, position in zip(clients, positions):
        await shown_offline(pool, account_id, client_id, position)
    await later_sweeps(portal, pool)

    offline = [e.client_id for e in recorded(portal, before, Client.WentOffline) if e.account_id == account_id]
    assert sorted(offline) == sorted(clients)
    assert (await pool.fetchval("SELECT online_clients FROM license_tab WHERE account_id = $1", account_id)) == 0


async def test_a_session_past_the_maximum_duration_is_closed_exactly_once(timers, portal: Portal,
                                                                          pool: asyncpg.Pool):
    before = portal.current_position()
    started = {}
    for _ in range(3):  # the free tier: one session per account, at most an hour long
        account_id, client_id = await asyncio.to_thread(new_account, portal), new_client_id()
        await asyncio.to_thread(portal.register_client, account_id, client_id, "1.0", "linux")
        with clock_at(datetime.now(UTC) - timedelta(days=2)):
            session_id, _ = portal.start_session(account_id, client_id, new_client_id())
        started[session_id] = account_id

    async def all_closed() -> bool:
        return await pool.fetchval("SELECT count(*) FROM sessions WHERE session_id = ANY($1) AND ended_at IS NOT NULL",
                                   list(started)) == len(started)

    await eventually(all_closed, timeout=60, what="the overdue sessions to close")
    await later_sweeps(portal, pool)

    ended = [e for e in recorded(portal, before, Session.Ended) if e.session_id in started]
    assert sorted(e.session_id for e in ended) == sorted(started)
    assert {e.reason for e in ended} == {"timed_out"}


async def test_a_cancelled_license_past_its_expiry_expires_exactly_once(timers, portal: Portal, pool: asyncpg.Pool):
    before = portal.current_position()
    accounts = {}
    for _ in range(3):
        account_id = await asyncio.to_thread(new_account, portal)
        with clock_at(datetime.now(UTC) - timedelta(days=730)):
            portal.upgrade_license(account_id, "professional")
            accounts[account_id] = portal.cancel_license(account_id)

    async def all_free() -> bool:
        rows = await pool.fetch("SELECT account_id, product, position FROM license_tab WHERE account_id = ANY($1)",
                                list(accounts))
        return len(rows) == len(accounts) and all(r["product"] == "free" and r["position"] > accounts[r["account_id"]]
                                                  for r in rows)

    await eventually(all_free, timeout=60, what="the expired licenses to fall back to free")
    await later_sweeps(portal, pool)

    expired = [e.originator_id for e in recorded(portal, before, License.Expired)]
    assert sorted(expired) == sorted(License.id_for(a) for a in accounts)
    for account_id in accounts:
        assert portal.license(account_id).product == "free"


async def test_an_uncancelled_license_past_its_expiry_renews_and_is_invoiced_exactly_once(
        timers, portal: Portal, pool: asyncpg.Pool):
    before = portal.current_position()
    account_id = await asyncio.to_thread(new_account, portal)
    with clock_at(datetime.now(UTC) - timedelta(days=400)):
        portal.upgrade_license(account_id, "lite")

    async def renewed() -> bool:
        row = await pool.fetchrow("SELECT expires_at FROM license_tab WHERE account_id = $1", account_id)
        return row is not None and row["expires_at"] is not None and row["expires_at"] > datetime.now(UTC)

    await eventually(renewed, timeout=60, what="the license to renew")
    await later_sweeps(portal, pool)

    assert [e.originator_id for e in recorded(portal, before, License.Renewed)] == [License.id_for(account_id)]
    causes = [e.cause for e in recorded(portal, before, Invoice.Issued) if e.account_id == account_id]
    assert (causes, portal.license(account_id).product) == (["upgrade", "renewal"], "lite")


async def test_a_declined_card_is_tried_once_per_due_attempt_by_two_replicas(timers, portal: Portal,
                                                                              pool: asyncpg.Pool):
    before = portal.current_position()
    account_id = await asyncio.to_thread(new_account, portal)
    portal.change_payment_method(account_id, kind="card", brand="visa", last4="0002", expiry_month=12,
                                 expiry_year=2099, holder="Ann", payment_token="tok_chargeDeclined")
    portal.upgrade_license(account_id, "lite")

    async def failed_once() -> bool:
        return await pool.fetchval("SELECT status FROM invoices WHERE account_id = $1", account_id) == "payment_failed"

    await eventually(failed_once, timeout=60, what="the first try to fail")
    await later_sweeps(portal, pool)

    failures = [e for e in recorded(portal, before, Invoice.PaymentFailed) if e.account_id == account_id]
    assert [(e.attempt, e.failure) for e in failures] == [(1, "card_declined")]
    assert failures[0].next_attempt_at - failures[0].failed_at == timedelta(days=1)
