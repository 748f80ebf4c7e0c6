"""The audit trail on real PostgreSQL and NATS: one chained entry per event, verification against the
event store (which finds an event altered in PostgreSQL), and a rebuild swapped in while projecting."""

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import asyncpg
import pytest

from domain.application import Portal
from domain.history import account_log
from projections.fold import Fold
from projections.audit import AUDIT, verify_chain
from projections.positions import position
from projections.rebuild import rebuild, verify
from tests.support import ROOT, Roles, eventually


def open_account(portal: Portal) -> UUID:
    account_id = portal.open_account(f"{uuid4().hex}@audit.test", "Ann", "not-a-hash")[0]
    portal.change_contact(account_id, name="Ann", street="Hauptstraße 1", postal_code="10115", city="Berlin",
                          country="DE", phone="")
    portal.change_preferences(account_id, time_zone="Europe/Berlin")
    return account_id


async def audited(pool: asyncpg.Pool, portal: Portal) -> None:
    head = portal.current_position()

    async def caught_up() -> bool:
        return await position(pool, AUDIT.name) >= head

    await eventually(caught_up, timeout=90, what=f"the audit trail to reach position {head}")


@pytest.fixture
async def account(portal: Portal, pool: asyncpg.Pool, roles: Roles) -> UUID:
    """A fresh account whose events are all in the audit trail."""
    roles.start("relay")
    roles.start("projector", "--only", AUDIT.name)
    account_id = await asyncio.to_thread(open_account, portal)
    await audited(pool, portal)
    return account_id


@pytest.fixture
async def tampered(pool: asyncpg.Pool, portal: Portal, account: UUID) -> AsyncIterator[int]:
    """The account's time zone change, rewritten in the event store behind the application's back (restored
    afterwards); answers its position. (Personal fields are sealed: altering them fails decryption outright.)"""
    row = await pool.fetchrow("SELECT notification_id, state FROM portal_events WHERE originator_id = $1 "
                              "AND originator_version = 3", account)
    await pool.execute("UPDATE portal_events SET state = $2 WHERE notification_id = $1", row["notification_id"],
                       row["state"].replace(b"Berlin", b"Munich"))
    yield row["notification_id"]
    await pool.execute("UPDATE portal_events SET state = $2 WHERE notification_id = $1", row["notification_id"],
                       row["state"])


async def test_every_event_of_the_account_is_one_entry_of_an_intact_chain(pool, portal, account):
    positions = [r["position"] for r in await pool.fetch(
        "SELECT position FROM audit_trail WHERE account_id = $1 ORDER BY position", account)]
    report = await verify_chain(pool, portal, account)

    assert positions == [p for p, _ in account_log(portal, account)]
    assert (report.intact, report.checked, report.first_break) == (True, len(positions), None)


async def test_verification_finds_an_event_altered_in_the_event_store(pool, portal, account, tampered):
    report = await verify_chain(pool, portal, account)

    assert not report.intact
    assert report.first_break.position == tampered
    assert report.first_break.kind == "AccountPreferencesChanged"
    assert report.first_break.fields == ["time_zone"]


async def test_the_audit_verify_command_reports_the_break_and_fails(settings, account, tampered, roles):
    done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "workers.cli", "audit", "verify",
                                                    "--account", str(account)],
                                   env=roles.env, cwd=ROOT, capture_output=True, timeout=60)

    assert done.returncode == 1
    assert json.loads(done.stdout)["first_break"]["position"] == tampered


async def test_a_rebuild_swapped_in_while_projecting_equals_the_live_trail(pool, portal, account):
    before = await pool.fetch("SELECT * FROM audit_trail WHERE account_id = $1 ORDER BY position", account)
    writes = asyncio.create_task(asyncio.to_thread(lambda: [open_account(portal) for _ in range(20)]))

    rebuilt = await rebuild(pool, portal, AUDIT)
    await writes
    await audited(pool, portal)

    assert rebuilt >= before[-1]["position"]
    assert await pool.fetch("SELECT * FROM audit_trail WHERE account_id = $1 ORDER BY position", account) == before
    assert await verify(pool, portal, AUDIT) == []


async def test_a_message_published_with_a_key_before_v2_is_recorded_with_its_fingerprint(pool: asyncpg.Pool, keys):
    """A projector behind at the upgrade still meets version 1 bodies on the stream."""
    key, account_id = "AAAA-BBBB-CCCC-DDDD-EEEE", uuid4()
    v1 = {"account_id": str(account_id), "aggregate_id": str(uuid4()), "aggregate_version": 1,
          "occurred_at": "2026-01-01T00:00:00+00:00", "product": "free", "key": key, "expires_at": None}
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            await AUDIT.apply(Fold(conn, exact=True), "LicenseIssued", json.dumps(v1).encode(), 10**12, keys)
            stored = await conn.fetchval("SELECT body::text FROM audit_trail WHERE account_id = $1", account_id)
        finally:
            await transaction.rollback()

    assert key not in stored and json.loads(stored)["key_fingerprint"].startswith("sha256:")
