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
def roles_for_seed(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Roles:
    return Roles(settings, tmp_path_factory.mktemp("seed"))


@pytest.fixture(scope="module")
async def seed_run(roles_for_seed: Roles) -> subprocess.CompletedProcess[bytes]:
    done = await asyncio.to_thread(subprocess.run, [
        sys.executable, "-m", "workers.cli", "seed", "--accounts", str(ACCOUNTS), "--clients-per-account",
        str(CLIENTS), "--sessions-per-client", str(SESSIONS), "--json"], env=roles_for_seed.env, cwd=ROOT,
        capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return done


@pytest.fixture(scope="module")
async def seeded(seed_run: subprocess.CompletedProcess[bytes], roles_for_seed: Roles, portal: Portal,
                 pool: asyncpg.Pool) -> AsyncIterator[dict[str, Any]]:
    """The report of `portal seed --json`, once a relay and a projector have applied all it recorded."""
    roles = roles_for_seed
    done = seed_run
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


async def test_seed_progress_off_a_terminal_is_plain_lines_whose_total_is_the_reports(seeded, seed_run) -> None:
    lines = seed_run.stderr.decode().splitlines()
    assert "\r" not in seed_run.stderr.decode()  # no bar redrawn into a file or a pipe
    done = next(line for line in lines if line.startswith("seeding: done"))
    assert f" {seeded['events']}/{seeded['events']} events " in done
