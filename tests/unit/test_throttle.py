"""The login limits' arithmetic: which failures make an attempt wait, and for how long."""

from datetime import UTC, datetime, timedelta

from gateway.throttle import (ADDRESS_LIMIT, MAX_PAUSE, PAIR_LIMIT, SLOW_AFTER, WINDOW, Failures, pause,
                              wait)

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def test_no_failures_no_wait():
    assert wait(Failures(), NOW) <= timedelta(0)


def test_a_pair_at_its_limit_waits_until_its_first_failure_leaves_the_window():
    assert wait(Failures(pair=PAIR_LIMIT, pair_first=ago(minutes=5)), NOW) == WINDOW - timedelta(minutes=5)


def test_a_pair_below_its_limit_goes_ahead():
    assert wait(Failures(pair=PAIR_LIMIT - 1, pair_first=ago(minutes=1)), NOW) <= timedelta(0)


def test_an_address_at_its_limit_waits_out_the_window():
    assert wait(Failures(address=ADDRESS_LIMIT, address_first=ago(minutes=14)), NOW) == timedelta(minutes=1)


def test_a_login_failing_from_everywhere_is_paced_never_locked_for_the_window():
    f = Failures(login=SLOW_AFTER + 50, login_last=ago(seconds=1))

    assert timedelta(0) < wait(f, NOW) <= MAX_PAUSE


def test_the_pause_doubles_with_each_failure_up_to_a_minute():
    assert [pause(SLOW_AFTER + i).total_seconds() for i in range(4)] == [1, 2, 4, 8]
    assert pause(SLOW_AFTER + 30) == MAX_PAUSE


def test_once_the_pause_after_the_last_failure_is_over_the_login_goes_ahead():
    f = Failures(login=SLOW_AFTER + 2, login_last=ago(seconds=5))  # a pause of 4 s

    assert wait(f, NOW) <= timedelta(0)


def test_the_longest_of_the_waits_applies():
    f = Failures(pair=PAIR_LIMIT, pair_first=ago(minutes=10), login=SLOW_AFTER, login_last=NOW)

    assert wait(f, NOW) == timedelta(minutes=5)
