"""The AnyDesk-compatible API's credential (domain.anydesk_credential): one license id per account, a password
the owner sets and resets while the account's API access is on, and no secret in any event."""

import re

import msgspec

from domain.anydesk_credential import AnyDeskCredential, api_license_id
from domain.contract import to_public
from domain.errors import RuleViolation


def test_setting_the_password_answers_the_accounts_license_id(app, account_id):
    license_id, position = app.set_api_password(account_id)

    assert license_id == api_license_id(account_id, app.account(account_id).customer_number)
    assert re.fullmatch(r"[1-9]\d{15}", license_id)
    assert position == app.current_position()


def test_license_ids_of_two_accounts_differ(app, signup):
    first, second = signup(), signup()

    assert app.set_api_password(first)[0] != app.set_api_password(second)[0]


def test_the_first_password_issues_the_credential_and_sets_it(app, account_id, recorded):
    events = recorded(app.set_api_password, account_id)

    assert [type(e) for e in events] == [AnyDeskCredential.Issued, AnyDeskCredential.PasswordSet]


def test_a_reset_records_a_new_password_under_the_same_license_id(app, account_id, recorded):
    license_id, _ = app.set_api_password(account_id)

    events = recorded(app.set_api_password, account_id)

    assert [type(e) for e in events] == [AnyDeskCredential.PasswordSet]
    assert app.set_api_password(account_id)[0] == license_id


def test_the_password_is_refused_while_api_access_is_off(app, account_id, refused):
    app.set_api_access(account_id, False)

    refused(RuleViolation, app.set_api_password, account_id)


def test_the_published_events_carry_the_license_id_and_nothing_else(app, account_id, recorded):
    events = recorded(app.set_api_password, account_id)

    published = [msgspec.structs.asdict(to_public(e)) for e in events]

    assert [p.get("license_id") for p in published] == [api_license_id(account_id,
                                                                        app.account(account_id).customer_number),
                                                         None]
    assert not any("password" in key or "secret" in key or "cipher" in key for p in published for key in p)
