"""The Clients area of domain.application.Portal: registering, seats, presence, comments, removal, keys."""

from datetime import UTC, datetime

import pytest

from domain.claim import Claim
from domain.client import Client
from domain.errors import InvalidLicenseKey, NotFound, SeatLimitReached
from domain.license import License
from domain.license_usage import LicenseUsage

FREE_SEATS = 3


def types(events: list) -> list[type]:
    return [type(e) for e in events]


# Registering

def test_registering_links_the_client_with_its_software(app, account_id, new_client_id):
    client_id = new_client_id()

    position = app.register_client(account_id, client_id, "1.0", "windows")

    client = app.client(account_id, client_id)
    assert (client.software_version, client.platform, client.online) == ("1.0", "windows", False)
    assert list(app.usage(account_id).linked) == [client_id]
    assert position == app.current_position()


def test_the_first_registration_starts_the_accounts_usage(app, account_id, new_client_id, recorded):
    events = recorded(app.register_client, account_id, new_client_id(), "1.0", "linux")

    assert types(events) == [Claim.Claimed, LicenseUsage.Started, LicenseUsage.ClientLinked, Client.Registered]


def test_registering_again_with_the_same_software_records_nothing(app, account_id, register, recorded):
    client_id = register(version="1.0", platform="linux")

    assert recorded(app.register_client, account_id, client_id, "1.0", "linux") == []


def test_registering_again_with_new_software_records_only_the_change(app, account_id, register, recorded):
    client_id = register(version="1.0")

    events = recorded(app.register_client, account_id, client_id, "1.1", "linux")

    assert types(events) == [Client.SoftwareChanged]
    assert app.client(account_id, client_id).software_version == "1.1"


# One account at a time

def test_registering_with_another_accounts_key_moves_the_client_there(app, account_id, other_account_id,
                                                                       register, recorded):
    client_id = register()

    events = recorded(app.register_client, other_account_id, client_id, "1.0", "linux")

    assert types(events) == [Claim.Transferred, LicenseUsage.ClientUnlinked, LicenseUsage.Started,
                             LicenseUsage.ClientLinked, Client.Registered]
    assert client_id not in app.usage(account_id).linked and client_id in app.usage(other_account_id).linked
    left = next(e for e in events if isinstance(e, LicenseUsage.ClientUnlinked))
    assert (left.account_id, left.reason) == (account_id, "moved")


def test_a_moved_client_frees_its_seat_in_the_account_it_left(app, account_id, other_account_id, register,
                                                              new_client_id):
    moved = register()
    for _ in range(FREE_SEATS - 1):
        register()
    app.register_client(other_account_id, moved, "1.0", "linux")

    app.register_client(account_id, new_client_id(), "1.0", "linux")  # the freed seat takes a new client
    assert len(app.usage(account_id).linked) == FREE_SEATS


def test_a_moved_client_goes_offline_in_the_account_it_left(app, account_id, other_account_id, register):
    client_id = register()
    app.client_came_online(account_id, client_id, "1.0")

    app.register_client(other_account_id, client_id, "1.0", "linux")

    with pytest.raises(NotFound):
        app.client(account_id, client_id)
    assert app.repository.get(Client.id_for(account_id, client_id)).online is False


def test_a_client_removed_from_one_account_registers_with_another_without_a_departure(
        app, account_id, other_account_id, register, recorded):
    client_id = register()
    app.remove_client(account_id, client_id)

    events = recorded(app.register_client, other_account_id, client_id, "1.0", "linux")

    assert LicenseUsage.ClientUnlinked not in types(events)


# Seats

def test_registering_past_the_seat_limit_is_refused(app, account_id, register, new_client_id, refused):
    for _ in range(FREE_SEATS):
        register()

    error = refused(SeatLimitReached, app.register_client, account_id, new_client_id(), "1.0", "linux")

    assert error.field == "client_id"
    assert len(app.usage(account_id).linked) == FREE_SEATS


def test_a_linked_client_registers_again_when_every_seat_is_taken(app, account_id, register, recorded):
    first, *_ = [register() for _ in range(FREE_SEATS)]

    assert recorded(app.register_client, account_id, first, "1.0", "linux") == []


def test_removing_a_client_frees_its_seat(app, account_id, register):
    first, *_ = [register() for _ in range(FREE_SEATS)]

    app.remove_client(account_id, first)
    newcomer = register()

    assert first not in app.usage(account_id).linked and newcomer in app.usage(account_id).linked


def test_a_removed_client_is_not_found(app, account_id, register):
    client_id = register()

    app.remove_client(account_id, client_id)

    with pytest.raises(NotFound):
        app.client(account_id, client_id)


def test_removing_an_online_client_takes_it_offline(app, account_id, register, recorded):
    client_id = register()
    app.client_came_online(account_id, client_id, "1.0")

    events = recorded(app.remove_client, account_id, client_id)

    assert types(events) == [Client.WentOffline, LicenseUsage.ClientUnlinked]


def test_a_removed_client_can_register_again(app, account_id, register, recorded):
    client_id = register(version="1.0")
    app.comment_client(account_id, client_id, "old desk")
    app.remove_client(account_id, client_id)

    events = recorded(app.register_client, account_id, client_id, "2.0", "linux")

    assert types(events) == [LicenseUsage.ClientLinked, Client.SoftwareChanged]
    assert app.client(account_id, client_id).software_version == "2.0"


def test_removing_an_unknown_client_is_refused(app, account_id, new_client_id, refused):
    refused(NotFound, app.remove_client, account_id, new_client_id())


# Presence

def test_coming_online_is_recorded_once(app, account_id, register, clock, recorded):
    client_id = register()

    first = recorded(app.client_came_online, account_id, client_id, "1.0")
    again = recorded(app.client_came_online, account_id, client_id, "1.0")

    assert (types(first), again) == ([Client.CameOnline], [])
    assert app.client(account_id, client_id).online_since == clock.at


def test_going_offline_is_recorded_once(app, account_id, register, recorded):
    client_id = register()
    app.client_came_online(account_id, client_id, "1.0")
    at = datetime.now(UTC)

    first = recorded(app.client_went_offline, account_id, client_id, at)
    again = recorded(app.client_went_offline, account_id, client_id, at)

    assert (types(first), again) == ([Client.WentOffline], [])
    assert not app.client(account_id, client_id).online


def test_going_offline_records_nothing_for_an_unknown_client(app, account_id, new_client_id, recorded):
    assert recorded(app.client_went_offline, account_id, new_client_id(), datetime.now(UTC)) == []


def test_going_offline_records_nothing_for_a_removed_client(app, account_id, register, recorded):
    client_id = register()
    app.client_came_online(account_id, client_id, "1.0")
    app.remove_client(account_id, client_id)

    assert recorded(app.client_went_offline, account_id, client_id, datetime.now(UTC)) == []


def test_an_unknown_client_coming_online_is_refused(app, account_id, new_client_id, refused):
    refused(NotFound, app.client_came_online, account_id, new_client_id(), "1.0")


def test_a_heartbeat_with_a_new_version_records_the_software_change(app, account_id, register, recorded):
    client_id = register(version="1.0")
    app.client_came_online(account_id, client_id, "1.0")

    events = recorded(app.client_came_online, account_id, client_id, "1.1")

    assert [(type(e), e.version) for e in events] == [(Client.SoftwareChanged, "1.1")]


# Comment

def test_a_comment_is_recorded_once(app, account_id, register, recorded):
    client_id = register()

    first = recorded(app.comment_client, account_id, client_id, "reception PC")
    again = recorded(app.comment_client, account_id, client_id, "reception PC")

    assert (types(first), again) == ([Client.Commented], [])
    assert app.client(account_id, client_id).comment == "reception PC"


# Tenancy

CLIENT_COMMANDS = {
    "client": lambda app, account_id, client_id: app.client(account_id, client_id),
    "client_came_online": lambda app, account_id, client_id: app.client_came_online(account_id, client_id, "1"),
    "set_alias": lambda app, account_id, client_id: app.set_alias(account_id, client_id, None),
    "comment_client": lambda app, account_id, client_id: app.comment_client(account_id, client_id, "mine"),
    "remove_client": lambda app, account_id, client_id: app.remove_client(account_id, client_id),
}


@pytest.mark.parametrize("command", CLIENT_COMMANDS.values(), ids=CLIENT_COMMANDS.keys())
def test_another_accounts_client_is_not_found(app, account_id, signup, register, refused, command):
    register()  # so the account has a usage of its own
    theirs = register(signup())

    refused(NotFound, command, app, account_id, theirs)


def test_another_accounts_client_going_offline_records_nothing(app, account_id, signup, register, recorded):
    theirs = register(signup())

    assert recorded(app.client_went_offline, account_id, theirs, datetime.now(UTC)) == []


# License key

def test_the_current_license_key_names_its_account(app, account_id):
    assert app.account_for_key(app.license(account_id).key) == account_id


def test_a_reset_license_key_is_refused(app, account_id):
    old = app.license(account_id).key
    app.reset_license_key(account_id)

    with pytest.raises(InvalidLicenseKey):
        app.account_for_key(old)
    assert app.account_for_key(app.license(account_id).key) == account_id


def test_an_unknown_license_key_is_refused(app, account_id):
    with pytest.raises(InvalidLicenseKey):
        app.account_for_key("AAAA-BBBB-CCCC-DDDD-EEEE")


# Expiry

def test_a_license_past_its_expiry_has_free_limits_before_it_is_expired(
        app, account_id, clock, register, new_client_id, refused):
    app.upgrade_license(account_id, "lite")
    for _ in range(FREE_SEATS):
        register()
    clock.at = app.license(account_id).expires_at

    refused(SeatLimitReached, app.register_client, account_id, new_client_id(), "1.0", "linux")
    assert app.license(account_id).product == "lite"


def test_expiring_a_cancelled_license_records_the_expiry_once(app, account_id, clock, recorded):
    app.upgrade_license(account_id, "lite")
    app.cancel_license(account_id)
    clock.advance(days=366)

    first = recorded(app.expire_license, account_id)
    again = recorded(app.expire_license, account_id)

    assert (types(first), again) == ([License.Expired], [])
    assert (app.license(account_id).product, app.license(account_id).expires_at) == ("free", None)


def test_a_license_before_its_expiry_does_not_expire(app, account_id, clock, recorded):
    app.upgrade_license(account_id, "lite")
    clock.advance(days=364)

    assert recorded(app.expire_license, account_id) == []
