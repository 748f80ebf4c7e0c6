"""The Users area of domain.application.Portal: members disabled and enabled again, and who may do it."""

from uuid import uuid4

import pytest

from domain.errors import CannotDisableSelf


def test_a_user_cannot_disable_themself(app, signup):
    account_id = signup()
    member_id, _ = app.add_user(account_id, f"{uuid4().hex}@example.com", "Mo Member", "not-a-hash")

    with pytest.raises(CannotDisableSelf):
        app.set_user_disabled(account_id, member_id, True, by=member_id)
    assert not app.user(member_id).disabled


def test_the_owner_disables_a_member(app, signup):
    account_id = signup()
    owner = app.find_login(app.account(account_id).email)
    member_id, _ = app.add_user(account_id, f"{uuid4().hex}@example.com", "Mo Member", "not-a-hash")

    app.set_user_disabled(account_id, member_id, True, by=owner.id)

    assert app.user(member_id).disabled
