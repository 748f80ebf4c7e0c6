"""The builder on real NATS and PostgreSQL: each generation built once, through redeliveries and SIGKILL."""

import hashlib
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import nats
import pytest

from domain.application import Portal
from domain.custom_client import CustomClient
from projections.custom_clients import CUSTOM_CLIENTS
from projections.positions import position
from projections.rebuild import verify
from tests.integration.test_cli import portal_command
from tests.support import Roles, eventually
from workers.builder import Builder
from workers.config import Settings
from gateway.signing import load_signing_key
from workers.stream import package_store

pytestmark = pytest.mark.slow

SETTINGS = {"name": "Workshop", "platform": "linux-rpm", "direction": "outgoing", "allow_install": False,
            "program_name": "Workshop Help", "public": False, "options": {"ad.session.record": True}}


@pytest.fixture
def account(portal: Portal) -> UUID:
    account_id, _, _ = portal.open_account(f"{uuid4().hex}@builder.test", "Bo Builder", "not-a-hash")
    portal.upgrade_license(account_id, "enterprise")
    return account_id


@pytest.fixture
async def builder(settings: Settings, portal: Portal, pool) -> AsyncIterator[Builder]:  # type: ignore[no-untyped-def]
    nc = await nats.connect(settings.nats_url)
    yield Builder(portal, pool, await package_store(nc.jetstream()), load_signing_key(settings.signing_key_file or ""))
    await nc.drain()


def outcomes(portal: Portal, custom_client_id: UUID) -> list[str]:
    """The build events of a custom client, oldest first."""
    kinds = (CustomClient.BuildStarted, CustomClient.Built, CustomClient.BuildFailed)
    events = [portal.mapper.to_domain_event(e) for e in portal.recorder.select_events(custom_client_id)]
    return [type(e).__name__ for e in events if isinstance(e, kinds)]


async def test_a_request_delivered_twice_is_built_once_into_the_same_object(portal, account, builder):
    custom_client_id, _ = portal.create_custom_client(account, **SETTINGS)

    await builder.build(account, custom_client_id, 1)
    await builder.build(account, custom_client_id, 1)

    client = portal.custom_client(account, custom_client_id)
    stored = await builder.store.get(client.sha256)
    assert outcomes(portal, custom_client_id) == ["BuildStarted", "Built"]
    assert hashlib.sha256(stored.data or b"").hexdigest() == client.sha256


async def test_a_build_left_half_done_by_a_crash_is_finished_once(portal, account, builder):
    custom_client_id, _ = portal.create_custom_client(account, **SETTINGS)
    portal.start_build(account, custom_client_id, 1)  # where a builder killed mid-build left it

    await builder.build(account, custom_client_id, 1)

    assert outcomes(portal, custom_client_id) == ["BuildStarted", "Built"]


async def test_a_package_the_platform_refuses_fails_with_a_reason(portal, account, builder):
    custom_client_id, _ = portal.create_custom_client(account, **{**SETTINGS, "platform": "windows",
                                                                   "program_name": "CON"})

    await builder.build(account, custom_client_id, 1)

    client = portal.custom_client(account, custom_client_id)
    assert (client.status, outcomes(portal, custom_client_id)) == ("failed", ["BuildStarted", "BuildFailed"])
    assert "Windows reserves the name 'CON'" in (client.failure or "")


@pytest.mark.fault
async def test_a_builder_killed_while_building_leaves_every_build_done_once(portal, account, roles: Roles):
    for role in ("relay", "projector"):
        roles.start(role)
    first = roles.start("builder")
    ids = [portal.create_custom_client(account, **{**SETTINGS, "name": f"Desk {i}"})[0] for i in range(12)]

    async def some_started() -> bool:
        return any(outcomes(portal, i) for i in ids)
    await eventually(some_started, what="the builder to start building")
    roles.kill(first)
    roles.start("builder")

    async def all_built() -> bool:
        return all(portal.custom_client(account, i).status == "ready" for i in ids)
    await eventually(all_built, timeout=60, what="every custom client to be built after the restart")
    assert all(outcomes(portal, i) == ["BuildStarted", "Built"] for i in ids)


async def test_the_read_model_equals_its_rebuild_from_the_event_store(portal, account, builder, pool, roles: Roles):
    for role in ("relay", "projector"):
        roles.start(role)
    custom_client_id, _ = portal.create_custom_client(account, **SETTINGS)
    await builder.build(account, custom_client_id, 1)
    portal.change_custom_client(account, custom_client_id, {"public": True, "options": {}})
    target = portal.current_position()

    async def projected() -> bool:
        return await position(pool, CUSTOM_CLIENTS.name) >= target
    await eventually(projected, what="the custom clients' read model to catch up")
    assert await verify(pool, portal, CUSTOM_CLIENTS) == []


async def test_portal_release_publishes_a_newer_version_only(settings: Settings, portal: Portal):
    major, minor, patch = map(int, portal.current_version("android").split("."))
    version = f"{major}.{minor}.{patch + 1}"

    published = portal_command(settings, "release", "--platform", "android", "--version", version)
    again = portal_command(settings, "release", "--platform", "android", "--version", version)

    assert published.returncode == 0, published.stderr
    assert portal.current_version("android") == version
    assert again.returncode == 1 and f"--version: android is at {version} already" in again.stderr
