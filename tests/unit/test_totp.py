"""Authenticator codes: whatever a caller types is compared safely."""

from datetime import UTC, datetime

import pytest

from domain import totp


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "12345é", "🙂🙂🙂🙂🙂🙂", ""])
def test_a_code_of_other_characters_is_simply_wrong(code):
    assert totp.matching_step(totp.new_secret(), code, datetime.now(UTC)) is None


def test_the_current_code_matches_its_step():
    secret, now = totp.new_secret(), datetime.now(UTC)

    assert totp.matching_step(secret, totp.code_at(secret, totp.current_step(now)), now) == totp.current_step(now)
