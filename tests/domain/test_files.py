"""The Files tab's rules, in memory: who may have custom clients, how many, with which settings, and how a
generation is built exactly once."""

from datetime import UTC, datetime
from uuid import UUID

import msgspec
import pytest

from domain.contract import to_public
from domain.custom_client import CustomClient
from domain.errors import CustomClientLimitReached, InvalidValue, NotFound, UpgradeRequired

SETTINGS = {"name": "Front desk", "platform": "windows", "direction": "both", "allow_install": True,
            "program_name": "Acme Support", "public": False, "options": {"ad.connection.port": 7070}}


@pytest.fixture
def performance(app, account_id) -> UUID:
    app.upgrade_license(account_id, "performance")
    return account_id


@pytest.fixture
def create(app, performance):
    def create(**changes) -> UUID:
        custom_client_id, _ = app.create_custom_client(performance, **{**SETTINGS, **changes})
        return custom_client_id
    return create


def build(app, account_id, custom_client_id, generation, sha256="ab" * 32):
    app.start_build(account_id, custom_client_id, generation)
    app.finish_build(account_id, custom_client_id, generation, version="9.0.5", sha256=sha256, size=10,
                     object_name=sha256, built_at=datetime.now(UTC))


def test_a_free_account_is_told_which_tier_has_custom_clients(app, account_id, refused):
    error = refused(UpgradeRequired, lambda: app.create_custom_client(account_id, **SETTINGS))

    assert "Performance or Enterprise" in error.detail and "Free" in error.detail


def test_a_new_custom_client_waits_for_its_first_build(app, performance, create):
    client = app.custom_client(performance, create())

    assert (client.status, client.generation, client.release) == ("requested", 1, "9.0.5")
    assert client.settings() == {k: v for k, v in SETTINGS.items() if k != "public"}


def test_the_prefix_is_the_customer_number_or_namespace_and_msi_packages_say_so(app, performance, create):
    number = app.account(performance).customer_number
    assert app.custom_client(performance, create()).prefix == f"ad_{number}"

    app.buy_namespace(performance, "acme")

    assert app.custom_client(performance, create(platform="windows-msi")).prefix == "ad_acme_msi"


@pytest.mark.parametrize(("changes", "field"), [
    ({"platform": "beos"}, "platform"),
    ({"direction": "sideways"}, "direction"),
    ({"options": {"ad.telemetry.everything": True}}, "options.ad.telemetry.everything"),
    ({"options": {"ad.connection.port": 70_000}}, "options.ad.connection.port"),
    ({"options": {"ad.session.record": "yes"}}, "options.ad.session.record"),
    ({"program_name": "A" * 300}, "program_name"),
    ({"program_name": "bin/evil"}, "program_name"),
    ({"name": "Front\ndesk"}, "name"),
    ({"name": "  "}, "name"),
])
def test_bad_settings_are_refused_naming_the_field(app, performance, refused, changes, field):
    error = refused(InvalidValue, lambda: app.create_custom_client(performance, **{**SETTINGS, **changes}))

    assert error.field == field
    assert "^" not in error.detail and "[" not in error.detail  # words, never a pattern


def test_the_tier_maximum_holds_and_deleting_frees_a_slot(app, performance, create, refused):
    held = [create() for _ in range(20)]  # Performance holds 20

    refused(CustomClientLimitReached, create)
    app.delete_custom_client(performance, held[0])

    assert create()


def test_another_accounts_custom_client_is_not_found(app, signup, create):
    custom_client_id = create()

    with pytest.raises(NotFound):
        app.custom_client(signup(), custom_client_id)


def test_a_deleted_custom_client_is_not_found(app, performance, create):
    custom_client_id = create()
    app.delete_custom_client(performance, custom_client_id)

    with pytest.raises(NotFound):
        app.change_custom_client(performance, custom_client_id, {"name": "Again"})


def test_a_generation_is_built_once_however_often_it_is_delivered(app, performance, create, recorded):
    custom_client_id = create()

    first = recorded(build, app, performance, custom_client_id, 1)
    again = recorded(build, app, performance, custom_client_id, 1)

    assert [type(e) for e in first] == [CustomClient.BuildStarted, CustomClient.Built]
    assert again == []


def test_a_superseded_generation_records_nothing(app, performance, create, recorded):
    custom_client_id = create()
    app.change_custom_client(performance, custom_client_id, {"program_name": "Acme Help"})

    assert recorded(build, app, performance, custom_client_id, 1) == []
    assert app.custom_client(performance, custom_client_id).generation == 2


def test_changing_only_the_visibility_builds_nothing(app, performance, create, recorded):
    custom_client_id = create()

    events = recorded(app.change_custom_client, performance, custom_client_id, {"public": True})

    assert [type(e) for e in events] == [CustomClient.VisibilityChanged]


def test_a_release_asks_each_custom_client_for_one_rebuild(app, performance, create, recorded):
    custom_client_id = create()
    build(app, performance, custom_client_id, 1)
    app.release_software("windows", "9.0.6")

    events = [*recorded(app.request_rebuild, performance, custom_client_id, "9.0.6"),
              *recorded(app.request_rebuild, performance, custom_client_id, "9.0.6")]

    assert [(type(e), e.generation, e.release) for e in events] == [(CustomClient.RebuildRequested, 2, "9.0.6")]
    assert app.current_version("windows") == "9.0.6"


@pytest.mark.parametrize("version", ["9.0.5", "9.0.4", "nine", "9"])
def test_a_release_must_be_a_newer_version(app, refused, version):
    error = refused(InvalidValue, app.release_software, "windows", version)

    assert error.field == "version"


def test_regenerating_the_link_replaces_secret_and_token_and_builds_again(app, performance, create):
    custom_client_id = create()
    before = app.custom_client(performance, custom_client_id)
    secret, token = before.enrollment_secret, before.public_token

    app.regenerate_public_link(performance, custom_client_id)

    after = app.custom_client(performance, custom_client_id)
    assert after.enrollment_secret != secret and after.public_token != token
    assert (after.generation, after.status) == (2, "requested")


def test_no_secret_is_published(app, performance, create, recorded):
    events = recorded(create)
    client = app.custom_client(performance, UUID(str(events[-1].originator_id)))

    published = b"".join(msgspec.json.encode(to_public(e)) for e in events)

    assert client.enrollment_secret.encode() not in published
    assert client.public_token.encode() not in published


def test_a_failed_build_tells_why(app, performance, create):
    custom_client_id = create()
    app.start_build(performance, custom_client_id, 1)

    app.fail_build(performance, custom_client_id, 1, "Windows reserves the name 'CON'")

    client = app.custom_client(performance, custom_client_id)
    assert (client.status, client.failure) == ("failed", "Windows reserves the name 'CON'")
