"""The Account area of domain.application.Portal: signup, login lookup, contact and payment method."""

import json
import re
from uuid import uuid4

import pytest

from domain import customer_commands
from domain.account import Account
from domain.customer_commands import new_customer_number
from domain.claim import Claim
from domain.errors import ConcurrentChange, EmailTaken, NotFound, RuleViolation
from domain.license import License

def luhn_valid(number: str) -> bool:
    """Independent check: double every second digit from the right (the check digit is not doubled)."""
    total = 0
    for i, digit in enumerate(reversed(number)):
        d = int(digit) * (2 if i % 2 == 1 else 1)
        total += d // 10 + d % 10
    return total % 10 == 0


def last_event(app, aggregate_id):
    stored = app.recorder.select_events(aggregate_id, desc=True, limit=1)[0]
    return app.mapper.to_domain_event(stored)


# Signup

def test_opening_an_account_answers_its_id_and_customer_number(app, email, password_hash):
    account_id, number, _ = app.open_account(email, "Ann Example", password_hash)

    account = app.account(account_id)
    assert (account.email, account.customer_number) == (email, number)
    assert re.fullmatch(r"[1-9]\d{8}", number) and luhn_valid(number)


def test_customer_numbers_carry_a_valid_luhn_check_digit():
    numbers = [new_customer_number() for _ in range(2_000)]

    assert all(re.fullmatch(r"[1-9]\d{8}", n) for n in numbers)
    assert all(luhn_valid(n) for n in numbers)


def test_the_luhn_check_digit_catches_a_mistyped_digit():
    number = new_customer_number()
    typo = number[:3] + str((int(number[3]) + 1) % 10) + number[4:]

    assert not luhn_valid(typo)


def test_opening_an_account_answers_the_position_of_its_last_event(app, email, signup, password_hash):
    _, _, position = app.open_account(email, "Ann Example", password_hash)
    assert position == app.current_position()

    signup()
    assert app.current_position() > position


def test_a_second_signup_with_the_same_email_is_refused(app, email, signup, refused, password_hash):
    signup(email)

    error = refused(EmailTaken, app.open_account, email, "Bob Other", password_hash)

    assert error.field == "email"


def test_customer_numbers_are_unique_across_many_accounts(app, email, password_hash):
    numbers = [app.open_account(f"{i}.{email}", "Ann Example", password_hash)[1] for i in range(300)]

    assert len(set(numbers)) == len(numbers)


def test_a_colliding_customer_number_is_drawn_again(app, email, monkeypatch, password_hash):
    first, second = "100000008", "100000016"
    draws = iter([first, first, second])
    monkeypatch.setattr(customer_commands, "new_customer_number", lambda: next(draws))

    numbers = [app.open_account(f"{who}.{email}", who, password_hash)[1] for who in ("ann", "bob")]

    assert numbers == [first, second]
    assert app.repository.get(Claim.id_for("customer_number", second)).value == second


def test_signup_gives_up_when_every_customer_number_collides(app, email, signup, monkeypatch,
                                                             password_hash):
    taken = app.account(signup()).customer_number
    monkeypatch.setattr(customer_commands, "new_customer_number", lambda: taken)

    with pytest.raises(ConcurrentChange):
        app.open_account(email, "Bob Other", password_hash)


# Login and tenancy

def test_find_login_finds_the_account_by_email(app, email, signup):
    account_id = signup(email)

    assert app.find_login(email).account_id == account_id


def test_find_login_for_an_unknown_email_is_not_found(app, email, signup):
    signup(email)

    with pytest.raises(NotFound):
        app.find_login(f"nobody.{email}")


def test_an_unknown_account_is_not_found(app, account_id):
    with pytest.raises(NotFound):
        app.account(uuid4())


def test_a_license_id_does_not_load_as_an_account(app, account_id):
    with pytest.raises(NotFound):
        app.account(License.id_for(account_id))


def test_another_accounts_account_is_not_found(app, signup):
    mine, theirs = signup(), signup()

    with pytest.raises(NotFound):
        app._owned(Account, theirs, mine)


# Contact and payment method

def test_changing_the_contact_records_contact_changed(app, account_id, contact):
    position = app.change_contact(account_id, **contact)

    assert position == app.current_position()
    assert isinstance(last_event(app, account_id), Account.ContactChanged)
    assert app.account(account_id).contact == contact


def test_an_unchanged_contact_records_nothing(app, account_id, contact):
    app.change_contact(account_id, **contact)
    version, position = app.account(account_id).version, app.current_position()

    assert app.change_contact(account_id, **contact) == position
    assert app.account(account_id).version == version


def test_changing_the_payment_method_stores_only_the_masked_fields_and_the_providers_token(app, account_id, card):
    app.change_payment_method(account_id, **card, payment_token="tok_visa")

    stored = app.recorder.select_events(account_id, desc=True, limit=1)[0]
    assert stored.topic.endswith("Account.PaymentMethodChanged")
    assert json.loads(stored.state).keys() - {"timestamp", "account_id", "actor"} == card.keys() | {"payment_token"}
    assert app.account(account_id).payment_method == {**card, "payment_token": "tok_visa"}


def test_an_api_key_cannot_be_created_while_api_access_is_off(app, account_id, refused):
    app.set_api_access(account_id, False)

    refused(RuleViolation, app.create_api_key, account_id, "ci", "read", "pak_abcd")


def test_switching_an_account_off_revokes_its_api_keys_for_good(app, account_id):
    key_id, _ = app.create_api_key(account_id, "backup script", "read", "pak_abcd")

    app.set_account_disabled(account_id, True)
    app.set_account_disabled(account_id, False)

    assert app.account(account_id).api_keys == {}
    stored = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 1_000)]
    assert [e.key_id for e in stored if isinstance(e, Account.ApiKeyRevoked)] == [key_id]
