"""Customers created and changed by administrators (domain.customer_commands)."""

from uuid import uuid4

import pytest

from domain.customer_commands import Changes, Profile
from domain.errors import EmailTaken, InvalidLicenseKey, InvalidValue, NotAllowed, RuleViolation
from domain.reseller_plan import PlanLimits

GOLD = PlanLimits(max_customers=5, max_clients=50, products=("free", "professional"), max_concurrent_sessions=2,
                  api_access=True, namespaces=True)


def new_email() -> str:
    return f"{uuid4().hex}@example.com"


@pytest.fixture
def create(app, password_hash):
    def create(email: str | None = None, manager=None, **profile):
        account_id, _, _ = app.create_customer(email or new_email(), password_hash,
                                               Profile(name="Cai Customer", **profile), manager)
        return account_id
    return create


def test_a_customer_is_created_as_the_administrator_set_it_up(app, create):
    account_id = create(phone="+34 600 000 000", enabled=False, api_access=False, time_zone="Europe/Madrid",
                        accessibility=True, product="professional")

    account = app.account(account_id)
    assert (account.disabled, account.api_access, account.contact["phone"], account.preferences["time_zone"],
            account.accessibility, account.level) == (True, False, "+34 600 000 000", "Europe/Madrid", True,
                                                      "customer")
    assert app.license(account_id).product == "professional"
    assert app.license(account_id).expires_at is not None


def test_an_administrator_accounts_owner_is_platform_staff(app, create):
    email = new_email()

    create(email, account_type="administrator")

    assert app.find_login(email).platform_role == "administrator"


def test_a_reseller_account_needs_a_plan(app, refused, password_hash):
    error = refused(RuleViolation, app.create_customer, new_email(), password_hash,
                    Profile(name="R", account_type="reseller"))

    assert error.field == "plan_id"


def test_only_a_reseller_account_holds_a_plan(app, refused, password_hash):
    plan_id, _ = app.create_plan("Gold", GOLD)

    error = refused(RuleViolation, app.create_customer, new_email(), password_hash,
                    Profile(name="C", plan_id=plan_id))

    assert error.field == "plan_id"


def test_an_unknown_time_zone_is_refused(app, refused, password_hash):
    error = refused(InvalidValue, app.create_customer, new_email(), password_hash,
                    Profile(name="C", time_zone="Mars/Olympus"))

    assert error.field == "time_zone"


def test_a_login_taken_is_refused(app, create, refused, password_hash):
    email = new_email()
    create(email)

    error = refused(EmailTaken, app.create_customer, email, password_hash, Profile(name="Again"))

    assert error.field == "email"


def test_changing_the_name_or_phone_keeps_the_address(app, create, contact):
    account_id = create()
    app.change_contact(account_id, **contact)

    app.change_customer(account_id, Changes(name="Cai Renamed", phone="+49 1"))

    assert app.account(account_id).contact == {**contact, "name": "Cai Renamed", "phone": "+49 1"}


def test_a_customer_becomes_a_reseller_with_a_plan(app, create):
    account_id = create()
    plan_id, _ = app.create_plan("Gold", GOLD)

    app.change_customer(account_id, Changes(account_type="reseller", plan_id=plan_id))

    assert (app.account(account_id).level, app.reseller(account_id).plan_id) == ("reseller", plan_id)


def test_a_resellers_customer_cannot_become_a_reseller(app, create, refused):
    plan_id, _ = app.create_plan("Gold", GOLD)
    reseller = create(account_type="reseller", plan_id=plan_id)
    customer = create(manager=reseller)

    error = refused(NotAllowed, app.change_customer, customer, Changes(account_type="reseller", plan_id=plan_id))

    assert error.field == "account_type"


def test_a_product_change_is_an_upgrade(app, create, refused):
    account_id = create(product="professional")

    error = refused(RuleViolation, app.change_customer, account_id, Changes(product="lite"))

    assert error.field == "product"


def use_customer_admin(app, account_id, register) -> None:
    """The account becomes a reseller, creates a customer who links and removes a client; plans change."""
    plan_id, _ = app.create_plan("Gold", GOLD)
    other_plan, _ = app.create_plan("Silver", GOLD)
    app.change_customer(account_id, Changes(account_type="reseller", plan_id=plan_id, accessibility=True))
    app.change_customer(account_id, Changes(plan_id=other_plan))
    app.change_plan(other_plan, "Silver+", GOLD)
    app.retire_plan(plan_id)
    customer, number, _ = app.create_customer(new_email(), "not-a-hash", Profile(name="Sub"), account_id)
    app.remove_client(customer, register(customer))
    app.delete_customer(customer, number)


def test_an_email_to_a_customer_goes_to_its_owner_in_its_language(app, create):
    email = new_email()
    account_id = create(email)
    app.change_preferences(account_id, language="es")

    email_id, _ = app.email_customer(account_id, "Mantenimiento", "Reiniciamos a las 23:00.")

    queued = app.email(account_id, email_id)
    assert (queued.to, queued.subject, queued.language) == (email, "Mantenimiento", "es")
    assert "Reiniciamos a las 23:00." in queued.body


def test_deleting_needs_the_customer_number_typed(app, create, refused):
    account_id = create()

    error = refused(RuleViolation, app.delete_customer, account_id, "123")

    assert error.field == "confirm"


def test_a_deleted_customer_is_switched_off_and_its_key_refused(app, create):
    account_id = create()
    key = app.license(account_id).key

    app.delete_customer(account_id, app.account(account_id).customer_number)

    assert app.account_disabled(account_id)
    with pytest.raises(InvalidLicenseKey):
        app.account_for_key(key)


def test_deleting_a_resellers_customer_frees_its_place(app, create):
    plan_id, _ = app.create_plan("Gold", GOLD)
    reseller = create(account_type="reseller", plan_id=plan_id)
    customer = create(manager=reseller)

    app.delete_customer(customer, app.account(customer).customer_number)

    assert app.reseller(reseller).customers == {}
