"""The long-running command-line tools, run as a user runs them: replay, rebuild, events schema."""

import asyncio
import json
import subprocess
import sys

import asyncpg

from domain.application import Portal
from projections.license import LICENSE_TAB
from projections.positions import READ_MODELS, position
from projections.rebuild import verify
from tests.support import ROOT, Roles, eventually, portal_command, run_commands
from workers.config import Settings


async def test_replay_prints_an_accounts_state_as_of_a_position(settings: Settings, portal: Portal) -> None:
    account_id, number, opened = portal.open_account("replayed@example.com", "Replayed", "not-a-hash")
    portal.upgrade_license(account_id, "professional")

    then = portal_command(settings, "replay", "--account", str(account_id), "--as-of", str(opened))
    now = portal_command(settings, "replay", "--account", str(account_id))

    assert then.returncode == 0 and now.returncode == 0, then.stderr + now.stderr
    assert '"free"' in then.stdout and '"professional"' not in then.stdout
    assert '"professional"' in now.stdout and number in now.stdout


async def test_rebuild_swaps_in_a_read_model_equal_to_the_live_one(settings: Settings, portal: Portal,
                                                                   pool: asyncpg.Pool, roles: Roles) -> None:
    roles.start("relay")
    roles.start("projector")
    await asyncio.to_thread(run_commands, portal, 5, 10)
    head = portal.current_position()

    async def caught_up() -> bool:
        return await position(pool, LICENSE_TAB.name) >= head

    await eventually(caught_up, what="license_tab to catch up")
    rebuilt = portal_command(settings, "rebuild", LICENSE_TAB.name)

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert await verify(pool, portal, LICENSE_TAB) == []


async def test_events_schema_prints_every_event_type(settings: Settings) -> None:
    printed = portal_command(settings, "events", "schema")

    assert printed.returncode == 0, printed.stderr
    assert "LicenseUpgraded" in json.dumps(json.loads(printed.stdout))


async def test_events_schema_into_a_pipe_closed_early_exits_quietly(settings: Settings) -> None:
    env = {"PORTAL_DATABASE_URL": settings.database_url, "PORTAL_NATS_URL": settings.nats_url, "PATH": "/usr/bin:/bin"}
    piped = subprocess.run(f"{sys.executable} -m workers.cli events schema | head -n 1", shell=True, env=env,
                           cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert piped.stdout == "{\n"
    assert piped.stderr == ""


async def test_replay_of_an_unknown_account_says_so_and_fails(settings: Settings) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    replayed = portal_command(settings, "replay", "--account", unknown)

    assert replayed.returncode == 1
    assert f"no account {unknown}" in replayed.stderr and replayed.stdout == ""


async def test_verify_of_an_unknown_read_model_names_the_valid_ones(settings: Settings) -> None:
    verified = portal_command(settings, "verify", "clientz")

    assert verified.returncode == 1
    assert "unknown read model(s): clientz" in verified.stderr
    assert all(m.name in verified.stderr for m in READ_MODELS)
