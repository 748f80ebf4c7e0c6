"""Replaying an account from its stored events (domain.history) and the audit hash chain (domain.chain)."""

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from domain.chain import GENESIS, link, published
from domain.contract import to_public
from domain.history import account_log, diff, fingerprint, parse_as_of, state_as_of


def test_the_log_holds_only_the_accounts_own_events_in_order(app, signup, account_id):
    signup()  # another account, interleaved in the notification log
    app.upgrade_license(account_id, "lite")

    log = list(account_log(app, account_id))

    assert [p for p, _ in log] == sorted(p for p, _ in log)
    assert {e.account_id for _, e in log} == {account_id}
    assert [type(e).__qualname__ for _, e in log][-4:] == [  # the upgrade and its invoice, in one save
        "License.Upgraded", "Invoice.Issued", "Account.InvoiceOpened", "Email.Queued"]


def test_the_state_as_of_a_position_is_the_state_then(app, account_id):
    before = app.current_position()
    app.upgrade_license(account_id, "professional")

    then, now = state_as_of(app, account_id, before), state_as_of(app, account_id, app.current_position())

    assert (then.license.product, now.license.product) == ("free", "professional")
    assert then.license.limits.max_clients == 3 and now.license.limits.max_clients == 1_000


def test_the_state_as_of_a_time_before_the_account_is_empty(app, account_id):
    state = state_as_of(app, account_id, datetime.now(UTC) - timedelta(days=1))

    assert (state.events, state.license, state.email) == (0, None, None)


def test_a_replay_shows_the_key_only_as_a_fingerprint(app, account_id):
    state = state_as_of(app, account_id, app.current_position())

    assert state.license.key_fingerprint == fingerprint(app.license(account_id).key)
    assert app.license(account_id).key not in repr(state)


def test_two_states_give_the_fields_that_changed(app, account_id, contact):
    before = app.current_position()
    app.change_contact(account_id, **contact)

    changes = diff(state_as_of(app, account_id, before), state_as_of(app, account_id, app.current_position()))

    assert {c.field for c in changes} == {f"contact.{k}" for k in contact if k != "name"}


@pytest.mark.parametrize("text", ["yesterday", "2025-01-01T00:00:00", "-3"])
def test_an_as_of_that_is_neither_a_position_nor_a_zoned_time_is_refused(text):
    with pytest.raises(ValueError):
        parse_as_of(text)


def test_a_changed_event_breaks_its_link_in_the_chain(app, account_id):
    (position, event), *_ = account_log(app, account_id)
    public = to_public(event)
    tampered = type(public)(**{**{f: getattr(public, f) for f in public.__struct_fields__}, "email": "x@evil.test"})

    def hashed(e):  # type: ignore[no-untyped-def]
        return link(GENESIS, position, type(e).__name__, published(type(e), msgspec.to_builtins(e)))

    assert hashed(public) == hashed(to_public(event))
    assert hashed(tampered) != hashed(public)
