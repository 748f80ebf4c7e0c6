"""Which heartbeats the gateway may absorb in memory (gateway/beats.py): only those of a client the table showed
online, with the same key and version, recently enough that the offline timer cannot have fired meanwhile."""

from uuid import uuid4

from domain.history import fingerprint
from gateway.beats import Beats, FLUSH_SECONDS

ACCOUNT, KEY, CLIENT = uuid4(), "key-1", "123456789"


def confirmed(offline_after: float = 30.0) -> Beats:
    beats = Beats(pool=None, offline_after=offline_after)  # type: ignore[arg-type]  # no flush here
    beats.confirm(KEY, CLIENT, "1.0.0", ACCOUNT)
    return beats


def test_the_flush_interval_is_well_below_any_offline_threshold_it_trusts():
    assert confirmed(offline_after=2.0).trust_seconds >= 4 * FLUSH_SECONDS


def test_a_beat_of_a_confirmed_client_is_held_for_the_flush():
    beats = confirmed()

    assert beats.absorbed(KEY, CLIENT, "1.0.0")
    assert list(beats.latest) == [(fingerprint(KEY), CLIENT)]


def test_a_new_version_another_key_or_an_unknown_client_goes_the_slow_way():
    beats = confirmed()

    assert not beats.absorbed(KEY, CLIENT, "1.1.0")
    assert not beats.absorbed("key-2", CLIENT, "1.0.0")
    assert not beats.absorbed(KEY, "987654321", "1.0.0")
    assert beats.latest == {}


def test_a_client_not_confirmed_for_half_the_offline_threshold_is_checked_again():
    beats = confirmed(offline_after=30.0)
    key = (fingerprint(KEY), CLIENT)
    beats.known[key] = beats.known[key]._replace(confirmed=beats.known[key].confirmed - 15.1)

    assert not beats.absorbed(KEY, CLIENT, "1.0.0")


def test_a_forgotten_account_loses_its_clients_and_their_held_beats():
    beats = confirmed()
    beats.confirm(KEY, "555555555", "1.0.0", uuid4())
    assert beats.absorbed(KEY, CLIENT, "1.0.0")

    beats.forget(ACCOUNT)

    assert not beats.absorbed(KEY, CLIENT, "1.0.0") and beats.latest == {}
    assert beats.absorbed(KEY, "555555555", "1.0.0")
