"""E-mails in the domain: queued with rendered text (secrets only as placeholders), then sent, bounced,
suppressed or failed, and the platform's suppression list."""

from uuid import uuid4

import pytest

from domain.email import Email
from domain.email_templates import fill_secrets
from domain.errors import NotFound, RuleViolation
from domain.suppression import Suppression

RESET_URL = "https://portal.test/reset?token=Zq3-very-secret-token"


@pytest.fixture
def address() -> str:
    return f"{uuid4().hex}@example.com"


@pytest.fixture
def queued(app, account_id, address) -> str:
    email_id, _ = app.queue_email(account_id, address, "welcome", {"name": "Ann"})
    return email_id


def stored_bytes(app) -> bytes:
    """Everything the event store holds, as stored (the state of every event)."""
    return b"".join(n.state for n in app.recorder.select_notifications(1, 10_000))


def test_queueing_records_the_rendered_email(app, account_id, address, recorded):
    (event,) = recorded(app.queue_email, account_id, address.upper(), "welcome", {"name": "Ann"})

    assert isinstance(event, Email.Queued)
    assert (event.to, event.template, event.subject) == (address, "welcome", "Welcome to Portal")
    assert event.body.startswith("Hello Ann,") and address in event.body
    assert app.email(account_id, event.email_id).status == "queued"


def test_a_secret_never_reaches_the_event_store(app, account_id, address):
    email_id, _ = app.queue_email(account_id, address, "password_reset", {"reset_url": RESET_URL},
                                  secret_params=("reset_url",))

    mail = app.email(account_id, email_id)
    assert "{reset_url}" in mail.body and mail.secret_params == ["reset_url"]
    assert RESET_URL.encode() not in stored_bytes(app)
    assert RESET_URL in fill_secrets(mail.body, {"reset_url": RESET_URL})


def test_the_account_language_chooses_the_text(app, account_id, address):
    email_id, _ = app.queue_email(account_id, address, "verification_code", {"code": "123456"}, language="de")

    mail = app.email(account_id, email_id)
    assert mail.subject == "Ihr Portal-Bestätigungscode" and "123456" in mail.body


@pytest.mark.parametrize(("template", "params", "to"), [
    ("no_such_template", {}, "ann@example.com"),
    ("notice", {"subject": "Maintenance"}, "ann@example.com"),  # no message
    ("welcome", {}, "not an address"),
    ("welcome", {}, "ann@example.com\r\nBcc: eve@example.com"),
])
def test_bad_emails_are_refused(refused, app, account_id, template, params, to):
    refused(RuleViolation, app.queue_email, account_id, to, template, params)


def test_a_secret_the_template_does_not_name_is_refused(refused, app, account_id, address):
    refused(RuleViolation, app.queue_email, account_id, address, "welcome", {}, ("password",))


def test_a_notice_subject_cannot_carry_another_header(app, account_id, address):
    email_id, _ = app.queue_email(account_id, address, "notice",
                                  {"subject": "Hi\r\nBcc: eve@example.com", "message": "Text"})

    assert "\n" not in app.email(account_id, email_id).subject


def test_sending_is_recorded_once(app, account_id, queued, recorded):
    assert [type(e) for e in recorded(app.mark_sent, account_id, queued)] == [Email.Sent]
    assert recorded(app.mark_sent, account_id, queued) == []


def test_a_bounce_suppresses_the_address_in_the_same_save(app, account_id, queued, address, recorded):
    events = recorded(app.mark_bounced, account_id, queued, "550 5.1.1 no such user")

    assert [type(e) for e in events] == [Email.Bounced, Suppression.Added]
    assert app.is_suppressed(address.upper())
    assert app.email(account_id, queued).reason == "550 5.1.1 no such user"


def test_a_sent_email_may_still_bounce(app, account_id, queued):
    app.mark_sent(account_id, queued)
    app.mark_bounced(account_id, queued, "550 mailbox gone")

    assert app.email(account_id, queued).status == "bounced"


def test_an_email_to_a_suppressed_address_is_marked_suppressed(app, account_id, queued, address):
    app.suppress_address(address, "complaint")
    app.mark_suppressed(account_id, queued)

    assert app.email(account_id, queued).status == "suppressed"


def test_marking_suppressed_needs_the_address_on_the_list(refused, app, account_id, queued):
    refused(RuleViolation, app.mark_suppressed, account_id, queued)


def test_a_suppressed_email_cannot_become_sent(refused, app, account_id, queued, address):
    app.suppress_address(address, "complaint")
    app.mark_suppressed(account_id, queued)

    refused(RuleViolation, app.mark_sent, account_id, queued)


def test_clearing_lets_mail_through_again(app, address):
    app.suppress_address(address, "bounced")
    app.clear_suppression(address, "helpdesk@portal.test")

    assert not app.is_suppressed(address)


def test_clearing_an_address_not_on_the_list_is_not_found(refused, app, address):
    refused(NotFound, app.clear_suppression, address, "helpdesk@portal.test")


def test_an_address_cleared_and_bouncing_again_is_suppressed_again(app, address, recorded):
    app.suppress_address(address, "bounced")
    app.clear_suppression(address, "helpdesk@portal.test")

    assert [type(e) for e in recorded(app.suppress_address, address, "bounced again")] == [Suppression.AddedAgain]
    assert app.is_suppressed(address)


def test_suppressing_twice_records_once(app, address, recorded):
    app.suppress_address(address, "bounced")

    assert recorded(app.suppress_address, address, "bounced") == []


def test_another_accounts_email_is_not_found(refused, app, signup, queued):
    refused(NotFound, app.mark_sent, signup(), queued)


def test_an_email_id_that_is_no_uuid_is_not_found(refused, app, account_id):
    refused(NotFound, app.mark_sent, account_id, "../../etc/passwd")


def use_email(app, account_id) -> None:
    """Every e-mail event: sent then bounced (suppressing the address), suppressed, failed; the address is
    cleared and suppressed again. The suppression list's events belong to the platform's account."""
    address = f"{uuid4().hex}@example.com"
    bounced, _ = app.queue_email(account_id, address, "welcome", {})
    app.mark_sent(account_id, bounced)
    app.mark_bounced(account_id, bounced, "550 no such user")
    suppressed, _ = app.queue_email(account_id, address, "welcome", {})
    app.mark_suppressed(account_id, suppressed)
    app.clear_suppression(address, "helpdesk@portal.test")
    app.suppress_address(address, "complaint")
    failed, _ = app.queue_email(account_id, f"{uuid4().hex}@example.com", "new_password", {}, ("password",))
    app.mark_failed(account_id, failed, "its secret values were never stored")
