"""The help desk's rules (domain.helpdesk_commands): verification codes hashed, expiring, five attempts, a send
limit per user; read-only sessions only under consent, ended at once when it is withdrawn."""

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.email import Email
from domain.errors import AccessEnded, InvalidValue, NotAllowed, NotFound, RuleViolation, TooManyRequests
from domain.helpdesk_access import MAX_MINUTES
from domain.user import User
from domain.verification_code import ATTEMPTS, SENDS, VerificationCode

STAFF = uuid4()


@pytest.fixture
def user_id(app, account_id):
    return User.id_for(app.account(account_id).email)


def test_a_code_is_six_digits_and_checks_once(app, user_id):
    code, _, _ = app.send_verification_code(user_id, STAFF)

    assert len(code) == 6 and code.isdigit()
    assert app.check_verification_code(user_id, code, STAFF)[:2] == (True, 0)
    assert app.check_verification_code(user_id, code, STAFF)[:2] == (False, 0)


def test_the_code_is_neither_in_its_events_nor_in_the_email(app, user_id, recorded):
    sent: list[str] = []
    events = recorded(lambda: sent.append(app.send_verification_code(user_id, STAFF)[0]))

    assert all(sent[0] not in repr(vars(e)) for e in events)
    mail = next(e for e in events if isinstance(e, Email.Queued))
    assert "{code}" in mail.body and mail.secret_params == ["code"]


def test_a_code_expires_after_ten_minutes(app, user_id, clock):
    code, _, _ = app.send_verification_code(user_id, STAFF)
    clock.advance(minutes=10)

    assert app.check_verification_code(user_id, code, STAFF)[:2] == (False, 0)


def test_five_wrong_attempts_lock_the_code(app, user_id):
    code, _, _ = app.send_verification_code(user_id, STAFF)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    answers = [app.check_verification_code(user_id, wrong, STAFF)[:2] for _ in range(ATTEMPTS)]

    assert answers == [(False, left) for left in range(ATTEMPTS - 1, -1, -1)]
    assert app.check_verification_code(user_id, code, STAFF)[:2] == (False, 0)


def test_a_user_is_sent_three_codes_in_fifteen_minutes_then_waits(app, user_id, refused, clock):
    for _ in range(SENDS):
        app.send_verification_code(user_id, STAFF)

    error = refused(TooManyRequests, app.send_verification_code, user_id, STAFF)
    assert 0 < error.retry_after <= 15 * 60
    clock.advance(minutes=15, seconds=1)
    app.send_verification_code(user_id, STAFF)


def test_a_new_code_replaces_the_old_one(app, user_id, clock):
    first, _, _ = app.send_verification_code(user_id, STAFF)
    second, _, _ = app.send_verification_code(user_id, STAFF)

    assert app.check_verification_code(user_id, first, STAFF)[0] is (first == second)


def test_a_check_before_any_code_verifies_nothing_and_records_nothing(app, user_id):
    before = app.current_position()

    assert app.check_verification_code(user_id, "123456", STAFF)[:2] == (False, 0)
    assert app.current_position() == before


def test_a_code_for_staff_is_not_found(app, refused):
    refused(NotFound, app.send_verification_code, uuid4(), STAFF)


def start(app, account_id, minutes: int = 60):
    return app.start_read_only_session(account_id, STAFF, "Sam Support", "Ticket 12: clients missing", minutes)


def test_a_session_without_consent_is_refused(app, account_id, refused):
    refused(NotAllowed, start, app, account_id)


def test_consent_that_has_run_out_admits_no_session(app, account_id, refused, clock):
    app.set_helpdesk_access(account_id, True, clock() + timedelta(hours=1))
    clock.advance(hours=1)

    refused(NotAllowed, start, app, account_id)


def test_a_session_ends_with_the_consent_at_the_latest(app, account_id, clock):
    until = clock() + timedelta(minutes=30)
    app.set_helpdesk_access(account_id, True, until)

    _, expires_at, _ = start(app, account_id, minutes=120)

    assert expires_at == until


def test_consent_must_end_in_the_future(app, account_id, refused, clock):
    error = refused(InvalidValue, app.set_helpdesk_access, account_id, True, clock() - timedelta(seconds=1))

    assert error.field == "until"


@pytest.mark.parametrize("minutes", [0, MAX_MINUTES + 1])
def test_a_session_lasts_one_minute_to_eight_hours(app, account_id, refused, minutes):
    app.set_helpdesk_access(account_id, True, None)

    assert refused(RuleViolation, start, app, account_id, minutes).field == "minutes"


def test_the_owner_is_emailed_when_a_session_starts(app, account_id, recorded):
    app.set_helpdesk_access(account_id, True, None)

    events = recorded(start, app, account_id)

    mail = next(e for e in events if isinstance(e, Email.Queued))
    assert mail.template == "support_view" and "Ticket 12: clients missing" in mail.body


def test_withdrawing_consent_ends_every_open_session_in_one_save(app, account_id):
    app.set_helpdesk_access(account_id, True, None)
    sessions = {start(app, account_id)[0], start(app, account_id)[0]}

    ended, _ = app.set_helpdesk_access(account_id, False, None)

    assert set(ended) == sessions
    access = app.helpdesk_access(account_id)
    assert not any(access.session_active(str(s), access.sessions[str(s)]["started_at"]) for s in sessions)


def test_cutting_consent_short_ends_the_sessions_that_would_outlive_it(app, account_id, clock):
    app.set_helpdesk_access(account_id, True, None)
    short, _, _ = start(app, account_id, minutes=10)
    long, _, _ = start(app, account_id, minutes=120)

    ended, _ = app.set_helpdesk_access(account_id, True, clock() + timedelta(minutes=30))

    assert ended == [long]
    assert app.helpdesk_access(account_id).session_active(str(short), clock())


def test_either_side_ends_a_session_once(app, account_id, refused):
    app.set_helpdesk_access(account_id, True, None)
    session_id, _, _ = start(app, account_id)

    app.end_access(account_id, session_id, "customer")

    refused(AccessEnded, app.end_read_only_session, account_id, session_id, "staff")


def test_another_accounts_session_is_not_found(app, account_id, other_account_id, refused):
    app.set_helpdesk_access(account_id, True, None)
    session_id, _, _ = start(app, account_id)

    refused(NotFound, app.end_access, other_account_id, session_id, "customer")


def test_a_view_is_an_event_of_the_customers_account(app, account_id, recorded):
    [event] = recorded(app.record_view, account_id, "customer", account_id, STAFF)

    assert (event.account_id, event.view, event.subject_id) == (account_id, "customer", account_id)


def test_verification_code_state_replays(app, user_id):
    code, _, _ = app.send_verification_code(user_id, STAFF)
    app.check_verification_code(user_id, "000000" if code != "000000" else "111111", STAFF)
    app.repository.cache = None  # type: ignore[assignment]

    aggregate = app.repository.get(VerificationCode.id_for(user_id))

    assert aggregate.attempts_left == ATTEMPTS - 1


def use_helpdesk(app, account_id) -> None:
    """Every help-desk event once, for the contract's coverage test."""
    user_id = User.id_for(app.account(account_id).email)
    app.record_view(account_id, "user", user_id, STAFF)
    app.send_verification_code(user_id, STAFF)
    app.send_verification_code(user_id, STAFF)
    app.check_verification_code(user_id, "000000", STAFF)
    app.set_helpdesk_access(account_id, True, None)
    app.end_read_only_session(account_id, start(app, account_id)[0], "staff")
    app.set_helpdesk_access(account_id, False, None)
