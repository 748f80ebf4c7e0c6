"""`portal seed` on real PostgreSQL and NATS: a seeded history reaches every read model like a lived one."""

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from domain.application import Portal
from gateway.identity import password_matches
from projections.positions import READ_MODELS, position
from projections.rebuild import verify
from tests.support import ROOT, Roles, eventually
from workers.config import Settings

ACCOUNTS, CLIENTS, SESSIONS = 3, 4, 5


async def projected_up_to(pool: asyncpg.Pool, head: int) -> None:
    async def caught_up() -> bool:
        return all([await position(pool, m.name) >= head for m in READ_MODELS])

    await eventually(caught_up, timeout=90, what=f"every read model to reach position {head}")


@pytest.fixture(scope="module")
async def seeded(settings: Settings, portal: Portal, pool: asyncpg.Pool,
                 tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    """The report of `portal seed --json`, once a relay and a projector have applied all it recorded."""
    roles = Roles(settings, tmp_path_factory.mktemp("seed"))
    done = await asyncio.to_thread(subprocess.run, [
        sys.executable, "-m", "workers.cli", "seed", "--accounts", str(ACCOUNTS), "--clients-per-account",
        str(CLIENTS), "--sessions-per-client", str(SESSIONS), "--json"], env=roles.env, cwd=ROOT,
        capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    roles.start("relay")
    roles.start("projector")
    try:
        await projected_up_to(pool, portal.current_position())
        yield json.loads(done.stdout)
    finally:
        roles.stop_all()


async def test_the_seeded_read_models_equal_their_rebuild(seeded, pool: asyncpg.Pool, portal: Portal):
    for model in READ_MODELS:
        assert await verify(pool, portal, model) == [], model.name


async def test_every_seeded_account_shows_its_clients_and_sessions(seeded, pool: asyncpg.Pool):
    accounts = [a["account_id"] for a in seeded["accounts"]]
    tabs = await pool.fetch("SELECT product, linked_clients, online_clients, active_sessions FROM license_tab "
                            "WHERE account_id = ANY($1::uuid[])", accounts)
    clients = await pool.fetchval("SELECT count(*) FROM clients WHERE account_id = ANY($1::uuid[]) AND linked",
                                  accounts)
    sessions = await pool.fetch("SELECT ended_at IS NOT NULL AS ended, count(*) FROM sessions "
                                "WHERE account_id = ANY($1::uuid[]) GROUP BY 1", accounts)

    assert [tuple(t) for t in tabs] == [("enterprise", CLIENTS, 0, 0)] * ACCOUNTS
    assert clients == ACCOUNTS * CLIENTS
    assert [tuple(s) for s in sessions] == [(True, ACCOUNTS * CLIENTS * SESSIONS)]
    assert seeded["sessions"] == ACCOUNTS * CLIENTS * SESSIONS


async def test_a_seeded_login_works_with_the_reported_password(seeded, portal: Portal):
    first = seeded["accounts"][0]
    login = await asyncio.to_thread(portal.find_login, first["email"])

    assert str(login.account_id) == first["account_id"]
    assert password_matches(login.password_hash, seeded["password"])
