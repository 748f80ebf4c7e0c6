"""The License area of domain.application.Portal: upgrades, keys, cancelling, namespaces and races."""

import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from domain.claim import Claim
from domain.errors import ConcurrentChange, InvalidValue, NamespaceTaken, NotFound, RuleViolation
from domain.license import License
from domain.group_commit import RETRIES

KEY = re.compile(r"[0-9A-F]{4}(-[0-9A-F]{4}){4}")
TERM = timedelta(days=365)


@pytest.fixture
def professional(app, account_id):
    """An account whose license has been upgraded to Professional (a tier that may own a namespace)."""
    app.upgrade_license(account_id, "professional")
    return account_id


@pytest.fixture
def namespace() -> str:
    return f"ns-{uuid4().hex[:12]}"


def test_opening_an_account_issues_a_free_license_with_a_key(app, account_id):
    license_ = app.license(account_id)

    assert (license_.product, license_.expires_at, license_.cancelled_at) == ("free", None, None)
    assert KEY.fullmatch(license_.key)


# Upgrading

def test_upgrading_moves_to_the_product_and_runs_for_its_term(app, account_id):
    before = datetime.now(UTC)
    position = app.upgrade_license(account_id, "lite")
    after = datetime.now(UTC)

    license_ = app.license(account_id)
    assert license_.product == "lite"
    assert before + TERM <= license_.expires_at <= after + TERM
    assert position == app.current_position()


@pytest.mark.parametrize("product", ["professional", "lite", "free"], ids=["same", "lower", "free"])
def test_an_upgrade_that_does_not_go_up_is_refused(app, professional, refused, product):
    error = refused(RuleViolation, app.upgrade_license, professional, product)

    assert error.field == "product"


def test_upgrading_to_an_unknown_product_is_refused(app, account_id, refused):
    error = refused(InvalidValue, app.upgrade_license, account_id, "platinum")

    assert error.field == "product"


def test_upgrading_after_cancelling_starts_a_new_contract(app, professional):
    app.cancel_license(professional)

    app.upgrade_license(professional, "power")

    license_ = app.license(professional)
    assert (license_.product, license_.cancelled_at) == ("power", None)


# Key

def test_resetting_the_key_issues_a_different_well_formed_key(app, account_id):
    old = app.license(account_id).key

    app.reset_license_key(account_id)

    new = app.license(account_id).key
    assert new != old and KEY.fullmatch(new)


# Cancelling

def test_cancelling_the_free_license_is_refused(app, account_id, refused):
    refused(RuleViolation, app.cancel_license, account_id)


def test_cancelling_twice_is_refused(app, professional, refused):
    app.cancel_license(professional)

    refused(RuleViolation, app.cancel_license, professional)


def test_cancelling_keeps_the_license_until_its_expiry(app, professional):
    expires_at = app.license(professional).expires_at
    before = datetime.now(UTC)

    app.cancel_license(professional)

    license_ = app.license(professional)
    assert before <= license_.cancelled_at <= datetime.now(UTC)
    assert (license_.product, license_.expires_at) == ("professional", expires_at)


# Namespace

@pytest.mark.parametrize("product", ["free", "lite"])
def test_a_namespace_needs_a_tier_that_allows_one(app, account_id, refused, namespace, product):
    if product != "free":
        app.upgrade_license(account_id, product)

    error = refused(RuleViolation, app.buy_namespace, account_id, namespace)

    assert error.field == "namespace"


def test_a_professional_license_can_buy_a_namespace(app, professional, namespace):
    position = app.buy_namespace(professional, namespace)

    assert app.license(professional).namespace == namespace
    assert app.repository.get(Claim.id_for("namespace", namespace)).account_id == professional
    assert position == app.current_position()


def test_a_second_namespace_is_refused(app, professional, refused, namespace):
    app.buy_namespace(professional, namespace)

    error = refused(RuleViolation, app.buy_namespace, professional, f"other-{namespace}")

    assert error.field == "namespace"


def test_a_namespace_owned_by_another_account_is_taken(app, signup, professional, refused, namespace):
    rival = signup()
    app.upgrade_license(rival, "professional")
    app.buy_namespace(rival, namespace)

    error = refused(NamespaceTaken, app.buy_namespace, professional, namespace)

    assert error.field == "namespace"
    assert app.license(professional).namespace is None


# Tenancy

def test_an_account_without_a_license_is_not_found(app, account_id):
    with pytest.raises(NotFound):
        app.license(uuid4())


def test_another_accounts_license_is_not_found(app, signup):
    mine, theirs = signup(), signup()

    with pytest.raises(NotFound):
        app._owned(License, License.id_for(theirs), mine)


def test_an_account_id_does_not_load_as_a_license(app, account_id):
    with pytest.raises(NotFound):
        app._owned(License, account_id, account_id)


# Optimistic concurrency

def test_saving_a_stale_copy_of_a_license_is_refused_by_the_store(app, account_id):
    ours, theirs = (app.repository.get(License.id_for(account_id)) for _ in range(2))
    theirs.reset_key(key="AAAA-AAAA-AAAA-AAAA-AAAA")
    app.save(theirs)

    ours.reset_key(key="BBBB-BBBB-BBBB-BBBB-BBBB")
    with pytest.raises(IntegrityError):
        app.save(ours)


def test_a_command_reloads_and_retries_after_a_concurrent_writer(app, professional, monkeypatch):
    save, attempts = app.save, []

    def save_after_a_rival(*aggregates):
        attempts.append(aggregates)
        if len(attempts) == 1:  # a rival writer commits between our load and our save
            rival = app.repository.get(License.id_for(professional))
            rival.reset_key(key="CCCC-CCCC-CCCC-CCCC-CCCC")
            save(rival)
        return save(*aggregates)

    monkeypatch.setattr(app, "save", save_after_a_rival)
    app.cancel_license(professional)

    license_ = app.license(professional)
    assert len(attempts) == 2
    assert license_.cancelled_at is not None and license_.key == "CCCC-CCCC-CCCC-CCCC-CCCC"


COMMANDS = {
    "open_account": lambda app, account_id: app.open_account(f"{uuid4().hex}@example.com", "Bob", "hash"),
    "upgrade_license": lambda app, account_id: app.upgrade_license(account_id, "power"),
    "reset_license_key": lambda app, account_id: app.reset_license_key(account_id),
    "cancel_license": lambda app, account_id: app.cancel_license(account_id),
    "buy_namespace": lambda app, account_id: app.buy_namespace(account_id, f"ns-{uuid4().hex}"),
    "change_contact": lambda app, account_id: app.change_contact(
        account_id, name="Bob", street="", postal_code="", city="", country="", phone=""),
    "change_payment_method": lambda app, account_id: app.change_payment_method(
        account_id, kind="sepa", brand="", last4="1234", expiry_month=None, expiry_year=None, holder="Bob"),
}


def conflicting_saves(app, monkeypatch, conflicts: int) -> list[int]:
    """Makes the next `conflicts` saves fail as if a rival had written first; answers the attempt log."""
    save, attempts = app.save, []

    def save_or_conflict(*aggregates):
        attempts.append(len(attempts) + 1)
        if len(attempts) <= conflicts:
            raise IntegrityError("a rival wrote first")
        return save(*aggregates)

    monkeypatch.setattr(app, "save", save_or_conflict)
    return attempts


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_command_succeeds_on_its_last_retry(app, professional, monkeypatch, command):
    attempts = conflicting_saves(app, monkeypatch, conflicts=RETRIES - 1)

    assert command(app, professional) is not None
    assert len(attempts) == RETRIES


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_command_gives_up_after_every_retry_conflicts(app, professional, monkeypatch, command):
    attempts = conflicting_saves(app, monkeypatch, conflicts=RETRIES)
    position = app.current_position()

    with pytest.raises(ConcurrentChange):
        command(app, professional)
    assert len(attempts) == RETRIES
    assert app.current_position() == position
