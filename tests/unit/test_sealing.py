"""Sealed secrets (gateway.sealing): they open with their key and for what they belong to, and nothing else."""

import pytest

from gateway.sealing import SealBroken, Sealer, new_key


def test_a_sealed_secret_opens_for_what_it_belongs_to():
    sealer = Sealer(new_key())

    assert sealer.open(sealer.seal("UYETICGU2CT3KES", "1438129266231705"), "1438129266231705") == "UYETICGU2CT3KES"


def test_the_same_secret_seals_differently_each_time():
    sealer = Sealer(new_key())

    assert sealer.seal("UYETICGU2CT3KES", "1") != sealer.seal("UYETICGU2CT3KES", "1")


def test_a_sealed_secret_moved_to_another_license_does_not_open():
    sealer = Sealer(new_key())

    with pytest.raises(SealBroken):
        sealer.open(sealer.seal("UYETICGU2CT3KES", "1438129266231705"), "1438129266231706")


def test_a_sealed_secret_does_not_open_under_another_key():
    with pytest.raises(SealBroken):
        Sealer(new_key()).open(Sealer(new_key()).seal("UYETICGU2CT3KES", "1"), "1")


def test_a_key_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        Sealer("c2hvcnQ=")
