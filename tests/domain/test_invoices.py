"""Invoices in the domain: issued with the license change that caused them, numbered without gaps, taxed by the
holder's country, collected through retries, voided and credited without ever changing an issued document."""

from datetime import timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from domain.email import Email
from domain.errors import InvalidValue, RuleViolation
from domain.invoice import PAID, PAYMENT_FAILED, UNCOLLECTIBLE, VOID, Invoice
from domain.payments import Outcome

DECLINED = Outcome(succeeded=False, failure="card_declined")
BERLIN = {"name": "Ann Example", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
          "country": "DE", "phone": ""}


def by_card(app, account_id, token="tok_visa"):
    app.change_payment_method(account_id, kind="card", brand="visa", last4="4242", expiry_month=12,
                              expiry_year=2031, holder="Ann Example", payment_token=token)


def latest_invoice(app, account_id) -> Invoice:
    invoice_id = max(app.account(account_id).unpaid, key=lambda entry: entry[1])[0]
    return app.invoice(account_id, UUID(invoice_id))


def emails(app, after: int) -> list[Email]:
    queued = []
    for notification in app.recorder.select_notifications(after + 1, 1_000):
        event = app.mapper.to_domain_event(notification)
        if isinstance(event, Email.Queued):
            queued.append(event)
    return queued


@pytest.fixture
def paid_invoice(app, account_id) -> Invoice:
    app.change_contact(account_id, **BERLIN)
    by_card(app, account_id)
    app.upgrade_license(account_id, "professional")
    invoice = latest_invoice(app, account_id)
    app.record_payment(account_id, invoice.id, 1, Outcome(succeeded=True, reference="ch_1"))
    return app.invoice(account_id, invoice.id)


def test_an_upgrade_from_free_invoices_the_whole_term_with_the_holders_vat(app, account_id):
    app.change_contact(account_id, **BERLIN)

    app.upgrade_license(account_id, "professional")

    invoice = latest_invoice(app, account_id)
    assert (invoice.cause, invoice.net_cents, invoice.vat_cents, invoice.total_cents) == (
        "upgrade", 22_680, 4_309, 26_989)
    assert invoice.holder == {**{k: v for k, v in BERLIN.items() if k != "phone"}, "vat_id": ""}
    assert invoice.status == "open" and invoice.next_attempt_at is None  # no card: paid by bank transfer


def test_an_upgrade_within_a_term_invoices_the_price_difference_for_the_days_left(app, account_id, clock):
    app.upgrade_license(account_id, "lite")
    expires_at = app.license(account_id).expires_at
    clock.advance(days=365 - 73)  # 73 days left

    app.upgrade_license(account_id, "professional")

    invoice = latest_invoice(app, account_id)
    assert invoice.lines[0]["unit_cents"] == ((22_680 - 11_880) * 73 + 182) // 365
    assert app.license(account_id).expires_at == expires_at  # the term keeps its end


def test_invoice_numbers_follow_each_other_across_accounts_in_the_year(app, signup):
    first, second = signup(), signup()

    app.upgrade_license(first, "lite")
    app.upgrade_license(second, "professional")
    app.buy_namespace(second, "acme-numbers")

    numbers = sorted(int(n.split("-")[1]) for a in (first, second) for _, n in app.account(a).unpaid)
    assert numbers == list(range(numbers[0], numbers[0] + 3))


def test_a_business_in_another_member_state_with_a_valid_vat_number_pays_no_vat(app, account_id):
    app.change_contact(account_id, **{**BERLIN, "country": "FR", "city": "Paris"}, vat_id="FR 40 303 265 045")

    app.upgrade_license(account_id, "lite")

    invoice = latest_invoice(app, account_id)
    assert (invoice.vat_cents, invoice.reverse_charge, invoice.holder["vat_id"]) == (0, True, "FR40303265045")


@pytest.mark.parametrize("changes, field", [
    ({"country": "XX"}, "country"),
    ({"country": "FR", "vat_id": "FR40303265046"}, "vat_id"),  # a wrong check digit
    ({"country": "FR", "vat_id": "DE136695976"}, "vat_id"),  # another state's number
    ({"country": "US", "vat_id": "FR40303265045"}, "vat_id"),
])
def test_an_unknown_country_or_a_malformed_vat_number_is_refused(app, account_id, refused, changes, field):
    error = refused(InvalidValue, lambda: app.change_contact(account_id, **{**BERLIN, **changes}))

    assert error.field == field


def test_a_declined_card_is_retried_then_uncollectible_with_an_email_each_time(app, account_id, clock):
    by_card(app, account_id, "tok_chargeDeclined")
    app.upgrade_license(account_id, "lite")
    invoice = latest_invoice(app, account_id)
    before = app.current_position()

    for attempt in range(1, 5):
        assert app.invoice(account_id, invoice.id).collectable(clock())
        app.record_payment(account_id, invoice.id, attempt, DECLINED)
        clock.advance(days=5)
    app.record_payment(account_id, invoice.id, 4, DECLINED)  # a repeat records nothing

    invoice = app.invoice(account_id, invoice.id)
    assert (invoice.status, invoice.attempts, invoice.next_attempt_at) == (UNCOLLECTIBLE, 4, None)
    assert [e.template for e in emails(app, before)] == ["payment_failed"] * 3 + ["payment_uncollectible"]
    assert app.account(account_id).unpaid == ()


def test_a_failed_payment_that_succeeds_on_a_retry_is_paid(app, account_id):
    by_card(app, account_id, "tok_chargeDeclinedInsufficientFunds")
    app.upgrade_license(account_id, "lite")
    invoice = latest_invoice(app, account_id)

    app.record_payment(account_id, invoice.id, 1, Outcome(succeeded=False, failure="insufficient_funds"))
    assert app.invoice(account_id, invoice.id).status == PAYMENT_FAILED
    app.record_payment(account_id, invoice.id, 2, Outcome(succeeded=True, reference="ch_2"))

    assert app.invoice(account_id, invoice.id).status == PAID


def test_a_credit_note_has_its_own_number_and_never_changes_the_original(app, account_id, paid_invoice):
    original = app.invoice(account_id, paid_invoice.id)
    version, document = original.version, (original.number, original.lines, original.total_cents, original.status)

    credit_id, _ = app.credit_invoice(account_id, original.id)

    credit = app.invoice(account_id, credit_id)
    assert (credit.kind, credit.credit_note_for, credit.number > original.number) == ("credit_note", original.id, True)
    assert (credit.net_cents, credit.vat_cents, credit.total_cents) == (
        -original.net_cents, -original.vat_cents, -original.total_cents)
    after = app.invoice(account_id, original.id)
    assert (after.version, (after.number, after.lines, after.total_cents, after.status)) == (version, document)


def test_a_second_credit_note_for_one_invoice_is_refused(app, account_id, paid_invoice, refused):
    app.credit_invoice(account_id, paid_invoice.id, 1_000)

    refused(RuleViolation, app.credit_invoice, account_id, paid_invoice.id)


@pytest.mark.parametrize("amount", [-1, 0, 22_681])
def test_a_credit_note_of_no_or_a_negative_or_too_large_amount_is_refused(app, account_id, paid_invoice, refused,
                                                                         amount):
    error = refused(InvalidValue, app.credit_invoice, account_id, paid_invoice.id, amount)

    assert error.field == "amount_cents"


def test_an_unpaid_invoice_is_voided_and_a_paid_one_is_not(app, account_id, paid_invoice, refused):
    app.upgrade_license(account_id, "power")
    unpaid = latest_invoice(app, account_id)

    app.void_invoice(account_id, unpaid.id, "sold by mistake")

    assert app.invoice(account_id, unpaid.id).status == VOID
    refused(RuleViolation, app.void_invoice, account_id, paid_invoice.id, "no")


def test_deleting_an_account_with_an_open_invoice_is_refused_until_it_is_settled(app, account_id, refused):
    app.upgrade_license(account_id, "lite")
    invoice = latest_invoice(app, account_id)
    number = app.account(account_id).customer_number

    error = refused(RuleViolation, app.delete_customer, account_id, number)
    assert invoice.number in str(error)

    app.void_invoice(account_id, invoice.id, "goodwill")
    app.delete_customer(account_id, number)
    assert app.account(account_id).deleted


def test_an_uncancelled_term_renews_and_is_invoiced(app, account_id, clock):
    app.upgrade_license(account_id, "lite")
    expires_at = app.license(account_id).expires_at
    clock.advance(days=366)

    app.expire_license(account_id)

    license_, invoice = app.license(account_id), latest_invoice(app, account_id)
    assert (license_.product, license_.expires_at) == ("lite", expires_at + timedelta(days=365))
    assert (invoice.cause, invoice.net_cents) == ("renewal", 11_880)


def test_a_cancelled_term_expires_without_an_invoice(app, account_id, clock):
    app.upgrade_license(account_id, "lite")
    app.cancel_license(account_id)
    unpaid = app.account(account_id).unpaid
    clock.advance(days=366)

    app.expire_license(account_id)

    assert (app.license(account_id).product, app.account(account_id).unpaid) == ("free", unpaid)


def test_the_invoices_email_writes_its_total_and_due_date_as_the_accounts_language_does(app, account_id):
    app.change_contact(account_id, **BERLIN)
    app.change_preferences(account_id, language="de", time_zone="Europe/Berlin")
    before = app.current_position()

    app.upgrade_license(account_id, "professional")

    [mail] = emails(app, before)
    due = latest_invoice(app, account_id).due_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert "269,89\xa0€" in mail.body and f"{due:%d.%m.%Y}" in mail.body
