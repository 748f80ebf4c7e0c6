"""Client aliases (domain.license_usage): `name@namespace`, unique within the account, within the tier's limit."""

from uuid import uuid4

import pytest

from domain.catalog import PRODUCTS
from domain.errors import AliasLimitReached, AliasTaken, InvalidAlias, NotFound
from domain.license_usage import LicenseUsage


@pytest.fixture
def namespace(app, account_id) -> str:
    """The account's custom namespace, bought on a Professional license."""
    namespace = f"ns-{uuid4().hex[:12]}"
    app.upgrade_license(account_id, "professional")
    app.buy_namespace(account_id, namespace)
    return namespace


def test_an_alias_is_set_within_the_namespace(app, account_id, namespace, register):
    client_id = register()

    position = app.set_alias(account_id, client_id, f"desk-1@{namespace}")

    assert app.usage(account_id).alias_of(client_id) == f"desk-1@{namespace}"
    assert position == app.current_position()


def test_an_alias_needs_a_namespace(app, account_id, register, refused):
    client_id = register()

    error = refused(InvalidAlias, app.set_alias, account_id, client_id, "desk@somewhere")

    assert error.field == "alias"


@pytest.mark.parametrize("alias", ["desk@other-ns", "Desk@{ns}", "-desk@{ns}", "de sk@{ns}", "Desk",
                                   "@{ns}", "desk.@{ns}", f"{'d' * 33}@{{ns}}"])
def test_an_alias_outside_the_namespace_or_badly_named_is_an_invalid_value(app, account_id, namespace, register,
                                                                             refused, alias):
    client_id = register()

    error = refused(InvalidAlias, app.set_alias, account_id, client_id, alias.format(ns=namespace))

    assert error.field == "alias"


def test_an_alias_in_another_namespace_is_told_which_namespace_is_the_accounts(app, account_id, namespace,
                                                                               register, refused):
    error = refused(InvalidAlias, app.set_alias, account_id, register(), "desk@other-ns")

    assert f"@{namespace}" in error.detail


def test_a_bare_alias_name_gets_the_accounts_namespace(app, account_id, namespace, register):
    client_id = register()

    app.set_alias(account_id, client_id, "box1")

    assert app.usage(account_id).alias_of(client_id) == f"box1@{namespace}"


def test_an_alias_of_another_client_is_taken(app, account_id, namespace, register, refused):
    first, second = register(), register()
    app.set_alias(account_id, first, f"desk@{namespace}")

    error = refused(AliasTaken, app.set_alias, account_id, second, f"desk@{namespace}")

    assert error.field == "alias"


def test_no_more_aliases_than_the_tier_allows(app, account_id, namespace, register, refused):
    limit = PRODUCTS["professional"].max_aliases
    for i in range(limit):
        app.set_alias(account_id, register(), f"desk-{i}@{namespace}")

    error = refused(AliasLimitReached, app.set_alias, account_id, register(), f"one-too-many@{namespace}")

    assert error.field == "alias"


def test_a_client_with_an_alias_may_change_it_at_the_limit(app, account_id, namespace, register):
    limit = PRODUCTS["professional"].max_aliases
    clients = [register() for _ in range(limit)]
    for i, client_id in enumerate(clients):
        app.set_alias(account_id, client_id, f"desk-{i}@{namespace}")

    app.set_alias(account_id, clients[0], f"renamed@{namespace}")

    assert app.usage(account_id).alias_of(clients[0]) == f"renamed@{namespace}"
    assert len(app.usage(account_id).aliases) == limit


def test_changing_an_alias_frees_the_old_one(app, account_id, namespace, register):
    first, second = register(), register()
    app.set_alias(account_id, first, f"desk@{namespace}")

    app.set_alias(account_id, first, f"laptop@{namespace}")
    app.set_alias(account_id, second, f"desk@{namespace}")

    assert app.usage(account_id).aliases == {f"laptop@{namespace}": first, f"desk@{namespace}": second}


def test_no_alias_removes_it(app, account_id, namespace, register):
    client_id = register()
    app.set_alias(account_id, client_id, f"desk@{namespace}")

    app.set_alias(account_id, client_id, None)

    assert app.usage(account_id).alias_of(client_id) is None and app.usage(account_id).aliases == {}


def test_setting_the_same_alias_again_records_nothing(app, account_id, namespace, register, recorded):
    client_id = register()
    first = recorded(app.set_alias, account_id, client_id, f"desk@{namespace}")

    again = recorded(app.set_alias, account_id, client_id, f"desk@{namespace}")

    assert ([type(e) for e in first], again) == ([LicenseUsage.AliasChanged], [])


def test_removing_a_client_frees_its_alias(app, account_id, namespace, register):
    first, second = register(), register()
    app.set_alias(account_id, first, f"desk@{namespace}")

    app.remove_client(account_id, first)
    app.set_alias(account_id, second, f"desk@{namespace}")

    assert app.usage(account_id).aliases == {f"desk@{namespace}": second}


def test_a_client_registered_again_after_removal_has_no_alias(app, account_id, namespace, register):
    client_id = register()
    app.set_alias(account_id, client_id, f"desk@{namespace}")
    app.remove_client(account_id, client_id)

    register(client_id=client_id)

    assert app.usage(account_id).alias_of(client_id) is None


def test_an_alias_for_an_unknown_client_is_refused(app, account_id, namespace, register, new_client_id,
                                                   refused):
    register()

    refused(NotFound, app.set_alias, account_id, new_client_id(), f"desk@{namespace}")
