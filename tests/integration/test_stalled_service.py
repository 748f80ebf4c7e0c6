"""A real read model that cannot apply an event, in the service run as in production (relay, projector and
gateway processes): /ready, /metrics and `portal check projector` report the stall, the log names the event
without its content, the other read models carry on, and once the fault is fixed the read model resumes by
itself. `portal rebuild` meeting such an event fails naming it and swaps nothing in."""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from domain.application import Portal
from projections.clients import CLIENTS
from projections.license import LICENSE_TAB
from projections.positions import position
from projections.rebuild import verify
from tests.support import eventually, portal_command, running_service
from workers.config import Settings

CLIENT = "100000001"


@dataclass
class Refusal:
    comment: str  # the one comment the clients table refuses
    constraint: str


@pytest.fixture
async def refusal(pool: asyncpg.Pool) -> AsyncIterator[Refusal]:
    """The clients table refuses one comment, as a table a deploy got wrong would; dropping the constraint is
    the fix."""
    refusal = Refusal(comment=f"poison {uuid4().hex}", constraint=f"test_refuse_{uuid4().hex[:8]}")
    await pool.execute(f"ALTER TABLE clients ADD CONSTRAINT {refusal.constraint} "
                       f"CHECK (comment <> '{refusal.comment}')")
    yield refusal
    await fix(pool, refusal)


async def fix(pool: asyncpg.Pool, refusal: Refusal) -> None:
    await pool.execute(f"ALTER TABLE clients DROP CONSTRAINT IF EXISTS {refusal.constraint}")


def commented(portal: Portal, comment: str) -> tuple[UUID, int]:
    account_id = portal.open_account(f"{uuid4().hex}@stalled.test", "Ann", "not-a-hash")[0]
    portal.register_client(account_id, CLIENT, "9.0.1", "linux")
    return account_id, portal.comment_client(account_id, CLIENT, comment)


SCRAPE = "stall-scraper-token"  # /metrics answers only with the scrape token


def stall_logged(logs: Path) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in (logs / "projector.log").read_text().splitlines() if line.startswith("{")]
    return [line for line in lines if line["msg"].startswith("read model stalled")]


async def test_a_stalled_read_model_fails_readiness_and_resumes_once_fixed(
        settings: Settings, portal: Portal, pool: asyncpg.Pool, refusal: Refusal, tmp_path: Path) -> None:
    async with running_service(settings, tmp_path, ("relay", "projector"), {"PORTAL_METRICS_TOKEN": SCRAPE}) as base, \
            httpx.AsyncClient(base_url=base, timeout=30, headers={"Authorization": f"Bearer {SCRAPE}"}) as http:
        account_id, poison = await asyncio.to_thread(commented, portal, refusal.comment)
        _, head = await asyncio.to_thread(commented, portal, "by the window")

        async def not_ready() -> bool:
            answer = await http.get("/ready")
            return answer.status_code == 503 and answer.json()["stalled"].get(CLIENTS.name) == poison

        await eventually(not_ready, timeout=60, what="/ready to report the stall")
        metrics = (await http.get("/metrics")).text
        assert f'portal_projection_stalled{{projection="{CLIENTS.name}"}} 1' in metrics
        assert f'portal_projection_stalled_position{{projection="{CLIENTS.name}"}} {poison}' in metrics
        assert f'portal_projection_stalled{{projection="{LICENSE_TAB.name}"}} 0' in metrics
        check = await asyncio.to_thread(portal_command, settings, "check", "projector")
        assert check.returncode == 1
        assert f"{CLIENTS.name} is stalled at position {poison} (ClientCommented: CheckViolationError)" in check.stderr

        async def others_carry_on() -> bool:
            return await position(pool, LICENSE_TAB.name) >= head

        await eventually(others_carry_on, timeout=60, what="license_tab to pass the poison")
        assert await position(pool, CLIENTS.name) < poison

        await fix(pool, refusal)

        async def resumed() -> bool:
            answer = await http.get("/ready")
            return answer.status_code == 200 and await position(pool, CLIENTS.name) >= head

        await eventually(resumed, timeout=120, what="clients to resume and /ready to pass")
        assert f'portal_projection_stalled{{projection="{CLIENTS.name}"}} 0' in (await http.get("/metrics")).text
    assert await pool.fetchval("SELECT comment FROM clients WHERE account_id = $1", account_id) == refusal.comment
    [logged, *_] = stall_logged(tmp_path)
    assert (logged["position"], logged["event_type"], logged["account_id"]) == (poison, "ClientCommented",
                                                                                str(account_id))
    assert refusal.comment.split()[1][:8] not in (tmp_path / "projector.log").read_text()  # not even a part
    assert await verify(pool, portal, CLIENTS) == []


async def test_a_rebuild_meeting_an_event_it_cannot_apply_fails_naming_it(
        settings: Settings, portal: Portal, pool: asyncpg.Pool, refusal: Refusal) -> None:
    _, poison = await asyncio.to_thread(commented, portal, refusal.comment)
    live = await pool.fetchval("SELECT 'clients'::regclass::oid")

    rebuilt = await asyncio.to_thread(portal_command, settings, "rebuild", CLIENTS.name)

    assert rebuilt.returncode == 1
    assert f"cannot apply ClientCommented at position {poison}" in rebuilt.stderr
    assert await pool.fetchval("SELECT 'clients'::regclass::oid") == live  # the live table was not swapped
    assert await pool.fetchval("SELECT to_regnamespace('rebuild_clients')") is None  # nor left half-built
