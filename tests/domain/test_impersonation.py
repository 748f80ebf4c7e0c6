"""Impersonation (domain.impersonation_commands): a reason, at most an hour, the customer told, either side ends."""

from datetime import timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.email import Email
from domain.errors import AccessEnded, NotFound, RuleViolation


def start(app, account_id, reason: str = "Customer asked for help with the clients list", minutes: int = 30):
    impersonation, _ = app.start_impersonation(account_id, uuid4(), "Sam Support", reason, minutes)
    return impersonation


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_impersonation_needs_a_reason(app, account_id, refused, reason):
    error = refused(RuleViolation, app.start_impersonation, account_id, uuid4(), "Sam", reason, 10)

    assert error.field == "reason"


@pytest.mark.parametrize("minutes", [0, 61])
def test_an_impersonation_lasts_one_to_sixty_minutes(app, account_id, refused, minutes):
    error = refused(RuleViolation, app.start_impersonation, account_id, uuid4(), "Sam", "help", minutes)

    assert error.field == "minutes"


def test_the_owner_is_emailed_the_reason_when_it_starts(app, account_id, recorded):
    events = recorded(start, app, account_id, "Checking the invoice address")

    mail = next(e for e in events if isinstance(e, Email.Queued))
    assert mail.to == app.account(account_id).email
    assert "Checking the invoice address" in mail.body and "Sam Support" in mail.body


FRENCH_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def test_the_owners_email_gives_the_end_in_the_accounts_time_zone_and_language(app, account_id, recorded):
    app.change_preferences(account_id, time_zone="America/New_York", language="fr")

    events = recorded(start, app, account_id, "help", 30)

    mail = next(e for e in events if isinstance(e, Email.Queued))
    [started] = [e for e in events if not isinstance(e, Email.Queued)]
    local = started.expires_at.astimezone(ZoneInfo("America/New_York"))
    assert f"{local.day} {FRENCH_MONTHS[local.month - 1]} {local.year}, {local:%H:%M:%S} (America/New_York)" \
        in mail.body


def test_an_impersonation_acts_until_the_second_it_expires(app, account_id):
    impersonation = start(app, account_id, minutes=15)

    assert impersonation.expires_at == impersonation.started_at + timedelta(minutes=15)
    assert impersonation.active(impersonation.expires_at - timedelta(seconds=1))
    assert not impersonation.active(impersonation.expires_at)


def test_the_customer_ends_an_impersonation_once(app, account_id, refused):
    impersonation = start(app, account_id)
    app.end_impersonation(account_id, impersonation.impersonation_id, "customer")

    refused(AccessEnded, app.end_impersonation, account_id, impersonation.impersonation_id, "staff")


def test_an_expired_impersonation_has_nothing_to_end(app, account_id, clock, refused):
    impersonation = start(app, account_id, minutes=5)
    clock.advance(minutes=5)

    refused(AccessEnded, app.end_impersonation, account_id, impersonation.impersonation_id, "customer")


def test_another_accounts_impersonation_is_not_found(app, account_id, signup, refused):
    impersonation = start(app, account_id)

    refused(NotFound, app.end_impersonation, signup(), impersonation.impersonation_id, "customer")


def use_impersonation(app, account_id) -> None:
    app.end_impersonation(account_id, start(app, account_id).impersonation_id, "staff")
