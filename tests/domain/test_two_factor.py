"""Recovery codes in memory: long enough that their digests cannot be guessed offline, each user's digests
keyed with a salt of their own, each code good once, and codes stored before salts still working."""

import hashlib
from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import StoredEvent

from domain import totp
from domain.errors import TwoFactorFailed
from domain.user import User

BASE32 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def code_now(secret: str, ahead: int = 0) -> str:
    return totp.code_at(secret, totp.current_step(datetime.now(UTC)) + ahead)


def owner_of(app, account_id) -> User:
    return app.find_login(app.account(account_id).email)


def enabled(app, account_id) -> tuple[User, list[str]]:
    secret = app.start_two_factor()
    codes, _ = app.enable_two_factor(owner_of(app, account_id).id, secret, code_now(secret))
    return owner_of(app, account_id), codes


def test_recovery_codes_carry_80_random_bits_in_four_typeable_groups(app, account_id):
    _, codes = enabled(app, account_id)

    assert len(set(codes)) == 10
    for code in codes:
        assert [len(g) for g in code.split("-")] == [4, 4, 4, 4] and set(code.replace("-", "")) <= BASE32


def test_only_keyed_digests_are_kept_never_the_codes_or_their_plain_hash(app, account_id):
    user, codes = enabled(app, account_id)

    kept = " ".join(user.recovery_digests)
    for code in codes:
        assert code not in kept and code.replace("-", "") not in kept
        assert hashlib.sha256(code.replace("-", "").encode()).hexdigest() not in kept
    assert len(user.recovery_salt) == 32


def test_two_users_keep_different_digests_for_the_same_code(app, signup):
    first, second = owner_of(app, signup()), owner_of(app, signup())
    for user in (first, second):
        secret = app.start_two_factor()
        user.enable_two_factor(secret, code_now(secret), ["AAAA-BBBB-CCCC-DDDD"], datetime.now(UTC))

    assert first.recovery_digests != second.recovery_digests


def test_a_recovery_code_works_once_however_it_is_typed(app, account_id):
    user, codes = enabled(app, account_id)

    app.check_second_factor(user.id, codes[0].replace("-", "").lower())

    with pytest.raises(TwoFactorFailed):
        app.check_second_factor(user.id, codes[0])
    app.check_second_factor(user.id, codes[1])


def store_two_factor_as_before_salts(app, user: User, secret: str, codes: list[str]) -> None:
    """Record TwoFactorEnabled exactly as the code before salts did: unsalted SHA-256, no `recovery_salt`."""
    user._two_factor_enabled(secret=secret, step=0, recovery_digests=[
        hashlib.sha256(c.replace("-", "").lower().encode()).hexdigest() for c in codes])
    [pending] = user.collect_events()
    stored = app.mapper.to_stored_event(pending)
    state = app.mapper.transcoder.decode(stored.state)
    del state["recovery_salt"]
    app.recorder.insert_events([StoredEvent(originator_id=stored.originator_id,
                                            originator_version=stored.originator_version, topic=stored.topic,
                                            state=app.mapper.transcoder.encode(state))])


def test_codes_stored_before_salts_still_work_once_each(app, account_id):
    old_codes = ["a1b2-c3d4", "0f0f-9e9e"]
    store_two_factor_as_before_salts(app, owner_of(app, account_id), app.start_two_factor(), old_codes)
    user = owner_of(app, account_id)

    app.check_second_factor(user.id, "A1B2-C3D4")

    with pytest.raises(TwoFactorFailed):
        app.check_second_factor(user.id, old_codes[0])
    app.check_second_factor(user.id, old_codes[1])
    assert owner_of(app, account_id).recovery_digests == []
