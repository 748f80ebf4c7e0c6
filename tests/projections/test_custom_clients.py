"""The Files tab read model (projections.custom_clients) fed contract events: a custom client through its
build states, an outdated package after a release, its links, pages by creation time and deletion."""

from uuid import UUID, uuid4

import pytest

from domain.contract.files import (CustomClientBuildFailed, CustomClientBuilding, CustomClientBuilt,
                                   CustomClientChanged, CustomClientDeleted, CustomClientLinkRegenerated,
                                   CustomClientRebuildRequested, CustomClientRequested,
                                   CustomClientVisibilityChanged, SoftwareReleased)
from projections.custom_clients import (CUSTOM_CLIENTS, current_versions, custom_client_details,
                                        custom_client_page, enrolling_account, private_package, public_package)
from tests.projections.conftest import Feed, ids, walk

SETTINGS = {"generation": 1, "name": "Helpdesk", "platform": "linux-deb", "direction": "incoming",
            "allow_install": True, "program_name": "helpdesk", "options": {"unattended": True}, "prefix": "hd",
            "release": "7.0.2"}


@pytest.fixture
def feed(conn) -> Feed:
    return Feed(conn, CUSTOM_CLIENTS)


async def requested(feed: Feed, public: bool = False, **settings) -> UUID:
    custom_client_id = uuid4()
    await feed(CustomClientRequested, aggregate_id=custom_client_id, custom_client_id=custom_client_id,
               public=public, enrollment_fingerprint=uuid4().hex, public_token_fingerprint=uuid4().hex,
               **{**SETTINGS, **settings})
    return custom_client_id


async def built(feed: Feed, custom_client_id: UUID, version: str) -> None:
    await feed(CustomClientBuilt, aggregate_id=custom_client_id, generation=1, version=version, sha256="ab" * 32,
               size=1234, object_name=f"{custom_client_id}-1", built_at=feed.at(30))


async def details(feed: Feed, custom_client_id: UUID):
    return await custom_client_details(feed.conn, feed.account_id, custom_client_id)


async def current(feed: Feed) -> str:
    return (await current_versions(feed.conn))["linux-deb"]


async def test_a_requested_custom_client_shows_its_settings_without_a_package(feed):
    custom_client_id = await requested(feed)

    shown = await details(feed, custom_client_id)

    assert (shown.name, shown.program_name, shown.options, shown.status, shown.sha256, shown.downloads) == (
        "Helpdesk", "helpdesk", {"unattended": True}, "requested", None, 0)
    assert await private_package(feed.conn, feed.account_id, custom_client_id) == (True, None)


@pytest.mark.parametrize(("event_type", "fields", "status"), [
    (CustomClientBuilding, {"generation": 1}, "building"),
    (CustomClientBuildFailed, {"generation": 1, "reason": "refused"}, "failed")])
async def test_a_build_in_progress_or_failed_shows_its_status(feed, event_type, fields, status):
    custom_client_id = await requested(feed)

    await feed(event_type, aggregate_id=custom_client_id, **fields)

    shown = await details(feed, custom_client_id)
    assert (shown.status, shown.failure) == (status, fields.get("reason"))


async def test_a_built_package_is_ready_with_its_download(feed):
    custom_client_id = await requested(feed)

    await built(feed, custom_client_id, await current(feed))

    [row], _ = await custom_client_page(feed.conn, feed.account_id, None, 10)
    found, package = await private_package(feed.conn, feed.account_id, custom_client_id)
    assert (row.status, row.download_url) == ("ready", f"/v1/files/{custom_client_id}/download")
    assert (found, package.object_name, package.size) == (True, f"{custom_client_id}-1", 1234)


async def test_a_package_of_an_older_software_version_shows_outdated(feed):
    custom_client_id = await requested(feed)
    await built(feed, custom_client_id, await current(feed))

    await feed(SoftwareReleased, platform="linux-deb", version="99.0.0")

    assert (await details(feed, custom_client_id)).status == "outdated"


@pytest.mark.parametrize(("event_type", "fields"), [
    (CustomClientChanged, {**SETTINGS, "generation": 2, "name": "Renamed"}),
    (CustomClientRebuildRequested, {"generation": 2, "release": "7.0.2"}),
    (CustomClientLinkRegenerated, {"generation": 2, "release": "7.0.2", "enrollment_fingerprint": uuid4().hex,
                                   "public_token_fingerprint": uuid4().hex})], ids=["changed", "rebuild", "new-link"])
async def test_a_change_after_a_failure_is_requested_again_without_the_failure(feed, event_type, fields):
    custom_client_id = await requested(feed)
    await feed(CustomClientBuildFailed, aggregate_id=custom_client_id, generation=1, reason="refused")

    await feed(event_type, aggregate_id=custom_client_id, **fields)

    shown = await details(feed, custom_client_id)
    assert (shown.status, shown.failure) == ("requested", None)


async def test_the_public_link_finds_the_package_only_while_public(feed):
    custom_client_id = await requested(feed, public=True)
    token = await feed.conn.fetchval("SELECT public_token_fingerprint FROM custom_clients "
                                     "WHERE custom_client_id = $1", custom_client_id)
    await built(feed, custom_client_id, "7.0.2")
    while_public = (await public_package(feed.conn, token))[1].custom_client_id

    await feed(CustomClientVisibilityChanged, aggregate_id=custom_client_id, public=False)

    assert (while_public, await public_package(feed.conn, token)) == (custom_client_id, (False, None))


async def test_a_regenerated_link_enrolls_by_the_new_secret_only(feed):
    custom_client_id = await requested(feed)
    old = await feed.conn.fetchval("SELECT enrollment_fingerprint FROM custom_clients WHERE custom_client_id = $1",
                                   custom_client_id)
    new = uuid4().hex

    await feed(CustomClientLinkRegenerated, aggregate_id=custom_client_id, generation=2, release="7.0.2",
               enrollment_fingerprint=new, public_token_fingerprint=uuid4().hex)

    assert (await enrolling_account(feed.conn, old), await enrolling_account(feed.conn, new)) == (
        None, feed.account_id)


async def test_a_deleted_custom_client_is_gone(feed):
    custom_client_id = await requested(feed)

    await feed(CustomClientDeleted, aggregate_id=custom_client_id)

    assert (await details(feed, custom_client_id),
            await private_package(feed.conn, feed.account_id, custom_client_id)) == (None, (False, None))


async def test_a_redelivered_request_keeps_the_build_since(feed):
    custom_client_id = await requested(feed)
    request = feed.last
    await built(feed, custom_client_id, "7.0.2")

    await feed.deliver(*request)

    assert (await details(feed, custom_client_id)).sha256 == "ab" * 32


async def test_custom_clients_page_oldest_first_each_once(feed):
    made = [await requested(feed) for _ in range(5)]

    rows = await walk(lambda cursor, limit: custom_client_page(feed.conn, feed.account_id, cursor, limit),
                      "custom_client_id")

    assert ids(rows, "custom_client_id") == made
