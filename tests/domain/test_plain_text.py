"""Names and addresses are plain text, however the command is reached (gateway, staff CLI, seeding)."""

import pytest

from domain.user_commands import PLATFORM_ACCOUNT
from domain.errors import InvalidValue

FORBIDDEN = {"nul": "\u0000", "bell": "\u0007", "line-break": "\n", "delete": "\u007f", "c1": "\u009b",
             "override": "\u202d", "isolate": "\u2069"}


@pytest.mark.parametrize("character", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_an_account_name_with_a_control_or_override_character_is_refused(refused, app, email, password_hash,
                                                                         character):
    error = refused(InvalidValue, app.open_account, email, f"Eve{character}Null", password_hash)

    assert error.field == "name"


def test_a_staff_name_with_nul_is_refused(refused, app, email, password_hash):
    error = refused(InvalidValue, app.add_user, PLATFORM_ACCOUNT, email, "Sam\u0000", password_hash, "auditor")

    assert error.field == "name"


def test_an_address_with_nul_is_refused(refused, app, email, password_hash):
    error = refused(InvalidValue, app.open_account, f"eve\u0000{email}", "Eve", password_hash)

    assert error.field == "email"


def test_accents_scripts_and_emoji_are_plain_text(app, email, password_hash):
    name = "Zoë Ünal 张伟 ✨"
    account_id, _, _ = app.open_account(email, name, password_hash)

    assert app.account(account_id).contact["name"] == name
