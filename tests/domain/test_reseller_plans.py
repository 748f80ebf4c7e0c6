"""Reseller plans (domain.customer_commands, domain.reseller): every limit is checked in the reseller's own
aggregate, so no count can pass its plan's limit."""

from uuid import uuid4

import msgspec
import pytest

from domain.customer_commands import Changes, Profile
from domain.errors import (CustomerLimitReached, NotAllowed, NotInPlan, ResellerClientLimitReached,
                           RuleViolation, SessionLimitReached)
from domain.reseller_plan import PlanLimits

LIMITS = PlanLimits(max_customers=2, max_clients=3, products=("free", "professional", "performance"),
                    max_concurrent_sessions=1, api_access=False, namespaces=False)


def new_email() -> str:
    return f"{uuid4().hex}@example.com"


@pytest.fixture
def plan_id(app):
    plan_id, _ = app.create_plan("Bronze", LIMITS)
    return plan_id


@pytest.fixture
def reseller_id(app, plan_id, password_hash):
    account_id, _, _ = app.create_customer(new_email(), password_hash,
                                           Profile(name="Rita Reseller", account_type="reseller", plan_id=plan_id))
    return account_id


@pytest.fixture
def customer_of(app, reseller_id, password_hash):
    def customer_of(**profile):
        profile = {"api_access": False, **profile}
        account_id, _, _ = app.create_customer(new_email(), password_hash, Profile(name="Cai", **profile),
                                               reseller_id)
        return account_id
    return customer_of


def test_a_plan_names_only_known_products(app, refused):
    error = refused(RuleViolation, app.create_plan, "Odd", msgspec.structs.replace(LIMITS, products=("gold",)))

    assert error.field == "products"


def test_a_plan_limit_cannot_be_negative(app, refused):
    error = refused(RuleViolation, app.create_plan, "Odd", msgspec.structs.replace(LIMITS, max_clients=-1))

    assert error.field == "max_clients"


def test_a_reseller_creates_customers_up_to_its_plans_limit(app, customer_of, refused, password_hash,
                                                            reseller_id):
    customer_of(), customer_of()

    refused(CustomerLimitReached, app.create_customer, new_email(), password_hash, Profile(name="Three",
            api_access=False), reseller_id)


def test_clients_across_a_resellers_customers_stop_at_the_plans_total(app, customer_of, register, refused,
                                                                      new_client_id):
    first, second = customer_of(), customer_of()
    register(first), register(first), register(second)

    # The second customer's free license would link two more clients; the reseller's total is reached.
    error = refused(ResellerClientLimitReached, app.register_client, second, new_client_id(), "1.0", "linux")

    assert error.field == "client_id"


def test_removing_a_client_frees_a_place_in_the_resellers_total(app, customer_of, register):
    customer = customer_of()
    clients = [register(customer) for _ in range(3)]
    app.remove_client(customer, clients[0])

    register(customer)

    assert app.reseller(app.account(customer).reseller_id).clients == 3


def test_registering_a_linked_client_again_counts_it_once(app, customer_of, register):
    customer = customer_of()
    client_id = register(customer)

    register(customer, client_id)

    assert app.reseller(app.account(customer).reseller_id).clients == 1


def test_a_resellers_customer_holds_only_the_plans_products(app, refused, password_hash, reseller_id):
    error = refused(NotInPlan, app.create_customer, new_email(), password_hash,
                    Profile(name="Pat", product="power", api_access=False), reseller_id)

    assert error.field == "product"


def test_a_resellers_customer_upgrades_only_to_the_plans_products(app, customer_of, refused):
    error = refused(NotInPlan, app.upgrade_license, customer_of(), "lite")

    assert error.field == "product"


def test_a_plan_without_api_access_gives_its_customers_none(app, customer_of, refused):
    customer = customer_of()

    error = refused(NotInPlan, app.change_customer, customer, Changes(api_access=True))

    assert error.field == "api_access"


def test_a_plan_without_namespaces_sells_its_customers_none(app, customer_of, refused):
    customer = customer_of(product="professional")

    refused(NotInPlan, app.buy_namespace, customer, f"ns-{uuid4().hex[:10]}")


def test_the_plan_caps_concurrent_sessions_below_the_license(app, customer_of, register, refused):
    customer = customer_of(product="performance")  # its license allows four
    here, there, third = register(customer), register(customer), register(customer)
    app.start_session(customer, here, there)

    refused(SessionLimitReached, app.start_session, customer, third, here)


def test_a_reseller_creates_customer_accounts_only(app, refused, password_hash, reseller_id, plan_id):
    error = refused(NotAllowed, app.create_customer, new_email(), password_hash,
                    Profile(name="Sub", account_type="reseller", plan_id=plan_id, api_access=False), reseller_id)

    assert error.field == "account_type"


def test_a_retired_plan_is_given_to_no_new_reseller(app, plan_id, refused, password_hash):
    app.retire_plan(plan_id)

    error = refused(RuleViolation, app.create_customer, new_email(), password_hash,
                    Profile(name="Late", account_type="reseller", plan_id=plan_id))

    assert error.field == "plan_id"


def test_a_reseller_cannot_move_to_a_plan_below_what_it_uses(app, reseller_id, customer_of, refused):
    customer_of(), customer_of()
    smaller, _ = app.create_plan("Tiny", msgspec.structs.replace(LIMITS, max_customers=1))

    error = refused(RuleViolation, app.change_customer, reseller_id, Changes(plan_id=smaller))

    assert error.field == "plan_id"


def test_changing_a_plan_changes_the_limits_its_resellers_meet(app, plan_id, customer_of, refused,
                                                               password_hash, reseller_id):
    customer_of()
    app.change_plan(plan_id, "Bronze", msgspec.structs.replace(LIMITS, max_customers=1))

    refused(CustomerLimitReached, app.create_customer, new_email(), password_hash,
            Profile(name="Two", api_access=False), reseller_id)
