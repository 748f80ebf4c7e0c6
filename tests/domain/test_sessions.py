"""The Sessions area of domain.application.Portal: starting within the license's limits, ending, closing,
timing out and commenting."""

import pytest

from domain.catalog import PRODUCTS
from domain.errors import ActiveDeviceLimitReached, NotFound, RuleViolation, SessionLimitReached, SessionNotActive
from domain.license_usage import LicenseUsage
from domain.session import Session

FREE_MINUTES = PRODUCTS["free"].max_session_minutes


@pytest.fixture
def pair(register) -> tuple[str, str]:
    """Two clients linked to the account."""
    return register(), register()


@pytest.fixture
def session_id(app, account_id, pair) -> str:
    """An active session between the pair."""
    session_id, _ = app.start_session(account_id, *pair)
    return session_id


def ending(events: list) -> list[tuple[type, str | None]]:
    return [(type(e), getattr(e, "reason", None)) for e in events]


# Starting

def test_starting_a_session_answers_its_id_and_position(app, account_id, pair, clock):
    session_id, position = app.start_session(account_id, *pair)

    session = app.session(account_id, session_id)
    assert (session.from_client_id, session.to_client_id, session.started_at) == (*pair, clock.at)
    assert session.active and app.usage(account_id).sessions == {session_id: list(pair)}
    assert position == app.current_position()


@pytest.mark.parametrize("linked_side", ["from", "to"])
def test_a_session_needs_only_one_linked_side(app, account_id, register, new_client_id, linked_side):
    ours, remote = register(), new_client_id()
    sides = (ours, remote) if linked_side == "from" else (remote, ours)

    session_id, _ = app.start_session(account_id, *sides)

    assert app.session(account_id, session_id).active


def test_a_session_between_two_unlinked_clients_is_refused(app, account_id, register, new_client_id, refused):
    register()

    error = refused(RuleViolation, app.start_session, account_id, new_client_id(), new_client_id())

    assert error.field == "from_client_id"


def test_a_session_before_any_client_is_linked_is_refused(app, account_id, new_client_id, refused):
    refused(RuleViolation, app.start_session, account_id, new_client_id(), new_client_id())


def test_a_client_connecting_to_itself_is_refused(app, account_id, pair, refused):
    error = refused(RuleViolation, app.start_session, account_id, pair[0], pair[0])

    assert error.field == "to_client_id"


def test_a_removed_client_cannot_start_a_session_with_an_unlinked_peer(app, account_id, pair, new_client_id,
                                                                         refused):
    app.remove_client(account_id, pair[0])

    refused(RuleViolation, app.start_session, account_id, pair[0], new_client_id())


# Concurrency limits

def test_a_second_concurrent_session_on_the_free_tier_is_refused(app, account_id, session_id, register,
                                                                  new_client_id, refused):
    refused(SessionLimitReached, app.start_session, account_id, register(), new_client_id())

    assert list(app.usage(account_id).sessions) == [session_id]


def test_ending_a_session_frees_its_slot(app, account_id, session_id, pair):
    app.end_session(account_id, session_id)

    again, _ = app.start_session(account_id, *pair)

    assert list(app.usage(account_id).sessions) == [again]


@pytest.fixture
def power(app, account_id, register) -> list[str]:
    """A Power account (2 concurrent sessions, 3 active devices) with four linked clients."""
    app.upgrade_license(account_id, "power")
    return [register() for _ in range(4)]


def test_the_power_tier_refuses_a_session_past_its_active_devices(app, account_id, power, refused):
    a, b, c, d = power
    app.start_session(account_id, a, b)

    refused(ActiveDeviceLimitReached, app.start_session, account_id, c, d)


def test_the_power_tier_does_not_count_unlinked_remote_peers(app, account_id, power, new_client_id):
    a, b, c, _ = power
    app.start_session(account_id, a, b)

    app.start_session(account_id, c, new_client_id())

    assert len(app.usage(account_id).sessions) == 2


def test_the_power_tier_counts_a_device_in_two_sessions_once(app, account_id, power):
    a, b, c, _ = power
    app.start_session(account_id, a, b)

    app.start_session(account_id, a, c)

    assert len(app.usage(account_id).sessions) == 2


def test_the_power_tier_refuses_a_third_concurrent_session(app, account_id, power, new_client_id, refused):
    a, b, *_ = power
    app.start_session(account_id, a, new_client_id())
    app.start_session(account_id, b, new_client_id())

    refused(SessionLimitReached, app.start_session, account_id, a, b)


# Ending and closing

def test_a_client_ending_a_session_is_recorded_once(app, account_id, session_id, recorded, clock):
    clock.advance(minutes=5)

    first = recorded(app.end_session, account_id, session_id)
    again = recorded(app.end_session, account_id, session_id)

    assert ending(first) == [(Session.Ended, "ended"), (LicenseUsage.SessionReleased, None)]
    assert again == []
    assert app.session(account_id, session_id).ended_at == clock.at


def test_closing_a_session_from_the_portal_ends_it(app, account_id, session_id, recorded):
    events = recorded(app.close_session, account_id, session_id)

    assert ending(events) == [(Session.Ended, "closed"), (LicenseUsage.SessionReleased, None)]
    assert not app.session(account_id, session_id).active and app.usage(account_id).sessions == {}


def test_closing_a_closed_session_is_refused(app, account_id, session_id, refused):
    app.close_session(account_id, session_id)

    error = refused(SessionNotActive, app.close_session, account_id, session_id)

    assert error.field == "session_id"


def test_closing_a_session_a_client_ended_is_refused(app, account_id, session_id, refused):
    app.end_session(account_id, session_id)

    refused(SessionNotActive, app.close_session, account_id, session_id)


def test_a_session_never_ends_before_it_started(app, account_id, session_id, clock):
    clock.advance(minutes=-1)  # a clock that stepped back between two commands

    app.end_session(account_id, session_id)

    session = app.session(account_id, session_id)
    assert session.ended_at == session.started_at


# Timing out

def test_a_session_within_its_maximum_duration_does_not_time_out(app, account_id, session_id, clock,
                                                                  recorded):
    clock.advance(minutes=FREE_MINUTES - 1)

    assert recorded(app.time_out_session, account_id, session_id) == []
    assert app.session(account_id, session_id).active


def test_a_session_past_its_maximum_duration_times_out(app, account_id, session_id, clock, recorded):
    clock.advance(minutes=FREE_MINUTES + 1)

    events = recorded(app.time_out_session, account_id, session_id)

    assert ending(events) == [(Session.Ended, "timed_out"), (LicenseUsage.SessionReleased, None)]
    assert app.usage(account_id).sessions == {}


def test_timing_out_an_ended_session_records_nothing(app, account_id, session_id, clock, recorded):
    app.end_session(account_id, session_id)
    clock.advance(minutes=FREE_MINUTES + 1)

    assert recorded(app.time_out_session, account_id, session_id) == []


# Comment

def test_a_session_comment_is_recorded_once(app, account_id, session_id, recorded):
    first = recorded(app.comment_session, account_id, session_id, "printer driver")
    again = recorded(app.comment_session, account_id, session_id, "printer driver")

    assert ([type(e) for e in first], again) == ([Session.Commented], [])
    assert app.session(account_id, session_id).comment == "printer driver"


def test_an_ended_session_can_still_be_commented(app, account_id, session_id):
    app.end_session(account_id, session_id)

    app.comment_session(account_id, session_id, "done")

    assert app.session(account_id, session_id).comment == "done"


# Tenancy

SESSION_COMMANDS = {
    "session": lambda app, account_id, session_id: app.session(account_id, session_id),
    "end_session": lambda app, account_id, session_id: app.end_session(account_id, session_id),
    "close_session": lambda app, account_id, session_id: app.close_session(account_id, session_id),
    "time_out_session": lambda app, account_id, session_id: app.time_out_session(account_id, session_id),
    "comment_session": lambda app, account_id, session_id: app.comment_session(account_id, session_id, "x"),
}


@pytest.mark.parametrize("command", SESSION_COMMANDS.values(), ids=SESSION_COMMANDS.keys())
def test_another_accounts_session_is_not_found(app, account_id, signup, register, refused, command):
    theirs = signup()
    session_id, _ = app.start_session(theirs, register(theirs), register(theirs))

    refused(NotFound, command, app, account_id, session_id)


@pytest.mark.parametrize("command", SESSION_COMMANDS.values(), ids=SESSION_COMMANDS.keys())
def test_an_unknown_session_is_not_found(app, account_id, session_id, refused, command):
    refused(NotFound, command, app, account_id, "no-such-session")
