"""Support requests in the domain: numbered without gaps, the thread's status moves, refusals, e-mails both ways."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from domain.email import Email
from domain.errors import InvalidValue, NotFound, RuleViolation
from domain.support_request import SupportRequest

DESK = "desk@support.test"


def opened(app, account_id, **about) -> tuple[str, str]:
    request_id, number, _ = app.open_support_request(account_id, "Cannot connect", "sessions",
                                                     "It stops at 'waiting'.\nSince Monday.", DESK, **about)
    return request_id, number


def use_support(app, account_id) -> None:
    """Every support event: opened (numbered), the customer writes, staff answer, the customer closes it."""
    request_id, _ = opened(app, account_id)
    app.write_support_message(account_id, request_id, "Still the same.", DESK)
    app.answer_support_request(account_id, request_id, "Please update to 9.0.", "waiting_for_customer")
    app.close_or_reopen_support_request(account_id, request_id, "closed")


def test_requests_are_numbered_after_the_customer_number_without_gaps(app, account_id):
    customer_number = app.account(account_id).customer_number

    numbers = [opened(app, account_id)[1] for _ in range(3)]

    assert numbers == [f"{customer_number}-{n}" for n in (1, 2, 3)]


def test_requests_opened_at_once_never_share_a_number(app, account_id):
    with ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(lambda _: opened(app, account_id)[1], range(24)))

    customer_number = app.account(account_id).customer_number
    assert sorted(numbers, key=lambda n: int(n.rpartition("-")[2])) == \
        [f"{customer_number}-{n}" for n in range(1, 25)]


def test_opening_emails_the_support_address_with_the_message(app, account_id, recorded):
    events = recorded(app.open_support_request, account_id, "Cannot connect", "sessions", "It stops.", DESK)

    (mail,) = [e for e in events if isinstance(e, Email.Queued)]
    (request,) = [e for e in events if isinstance(e, SupportRequest.Opened)]
    assert mail.to == DESK and request.number in mail.subject and "It stops." in mail.body


def test_a_staff_answer_emails_the_customer_in_its_language(app, account_id, recorded):
    app.change_preferences(account_id, language="de")
    request_id, number = opened(app, account_id)

    events = recorded(app.answer_support_request, account_id, request_id, "Bitte neu starten.", "answered")

    (mail,) = [e for e in events if isinstance(e, Email.Queued)]
    assert mail.to == app.account(account_id).email and number in mail.subject
    assert mail.language == "de" and "Bitte neu starten." in mail.body
    assert app.support_request(account_id, request_id).status == "answered"


def test_answers_go_to_the_person_who_wrote(app, account_id, recorded):
    request_id, _, _ = app.open_support_request(account_id, "Invoice", "payment_and_invoices", "Hi", DESK,
                                                email="mo@example.com")

    events = recorded(app.answer_support_request, account_id, request_id, "Done.", "answered")

    assert [e.to for e in events if isinstance(e, Email.Queued)] == ["mo@example.com"]


def test_the_customer_writing_opens_the_request_again_for_the_desk(app, account_id):
    request_id, _ = opened(app, account_id)
    app.answer_support_request(account_id, request_id, "Which version?", "waiting_for_customer")

    app.write_support_message(account_id, request_id, "9.0.4", DESK)

    assert app.support_request(account_id, request_id).status == "open"


def test_a_closed_request_takes_no_message_until_reopened(app, account_id, refused):
    request_id, _ = opened(app, account_id)
    app.close_or_reopen_support_request(account_id, request_id, "closed")

    refused(RuleViolation, app.write_support_message, account_id, request_id, "More", DESK)
    refused(RuleViolation, app.answer_support_request, account_id, request_id, "More", "answered")
    app.close_or_reopen_support_request(account_id, request_id, "open")
    app.write_support_message(account_id, request_id, "More", DESK)


@pytest.mark.parametrize("status", ["answered", "waiting_for_customer", "pending"])
def test_a_customer_may_only_close_or_reopen(app, account_id, refused, status):
    request_id, _ = opened(app, account_id)

    error = refused(InvalidValue, app.close_or_reopen_support_request, account_id, request_id, status)

    assert error.field == "status"


def test_reopening_a_request_that_is_not_closed_is_refused(app, account_id, refused):
    request_id, _ = opened(app, account_id)

    refused(RuleViolation, app.close_or_reopen_support_request, account_id, request_id, "open")


def test_closing_twice_records_nothing_the_second_time(app, account_id):
    request_id, _ = opened(app, account_id)
    app.close_or_reopen_support_request(account_id, request_id, "closed")
    before = app.current_position()

    app.close_or_reopen_support_request(account_id, request_id, "closed")

    assert app.current_position() == before


def test_staff_set_any_status_but_an_unknown_one(app, account_id, refused):
    request_id, _ = opened(app, account_id)
    for status in ("waiting_for_customer", "answered", "closed", "open"):
        app.set_support_status(account_id, request_id, status)
        assert app.support_request(account_id, request_id).status == status

    assert refused(InvalidValue, app.set_support_status, account_id, request_id, "solved").field == "status"


@pytest.mark.parametrize(("field", "subject", "category", "message"), [
    ("category", "Help", "billing", "text"),
    ("subject", "", "other", "text"),
    ("subject", "a\x00b", "other", "text"),
    ("message", "Help", "other", "x" * 10_001),
    ("message", "Help", "other", "a\x00b"),
    ("message", "Help", "other", "  \n "),
])
def test_bad_input_names_its_field_and_records_nothing(app, account_id, refused, field, subject, category, message):
    error = refused(InvalidValue, app.open_support_request, account_id, subject, category, message, DESK)

    assert error.field == field


def test_a_message_keeps_its_line_breaks_and_tabs(app, account_id, recorded):
    events = recorded(app.open_support_request, account_id, "Help", "other", "line 1\r\n\tline 2", DESK)

    assert [e.body for e in events if isinstance(e, SupportRequest.Opened)] == ["line 1\r\n\tline 2"]


def test_a_client_or_session_of_another_account_is_refused(app, account_id, other_account_id, register, refused):
    theirs = register(other_account_id)
    session_id, _ = app.start_session(other_account_id, theirs, register(other_account_id))

    assert refused(InvalidValue, app.open_support_request, account_id, "Help", "clients", "text", DESK,
                   None, theirs).field == "client_id"
    assert refused(InvalidValue, app.open_support_request, account_id, "Help", "sessions", "text", DESK,
                   None, None, session_id).field == "session_id"


def test_a_request_about_an_own_client_and_session_records_them(app, account_id, register):
    mine, yours = register(), register()
    session_id, _ = app.start_session(account_id, mine, yours)

    request_id, _ = opened(app, account_id, client_id=mine, session_id=session_id)

    request = app.support_request(account_id, request_id)
    assert (request.client_id, request.session_id) == (mine, session_id)


def test_another_accounts_request_is_not_found(app, account_id, other_account_id, refused):
    request_id, _ = opened(app, account_id)

    refused(NotFound, app.write_support_message, other_account_id, request_id, "Hi", DESK)
    refused(NotFound, app.answer_support_request, other_account_id, request_id, "Hi", "answered")
    refused(NotFound, app.set_support_status, other_account_id, request_id, "closed")


def test_staff_learn_whose_a_request_is_from_its_id_alone(app, account_id):
    request_id, _ = opened(app, account_id)

    assert app.support_request_account(request_id) == account_id
    with pytest.raises(NotFound):
        app.support_request_account("no-such-request")
