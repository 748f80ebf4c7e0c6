"""The License tab read model (projections.license) fed contract events: the tab after each event kind, its
limits from the catalog, the dashboard counters, a redelivered opening, and erasure of a deleted account."""

from uuid import uuid4

import pytest

from domain.catalog import PRODUCTS
from domain.contract.accounts import AccountContactChanged, AccountOpened, AccountPaymentMethodChanged
from domain.contract.customers import AccountDeleted
from domain.contract.licenses import (LicenseCancelled, LicenseExpired, LicenseIssued, LicenseKeyReset,
                                      LicenseNamespaceAssigned, LicenseUpgraded)
from domain.contract.usage import (ClientCameOnline, ClientLinked, ClientUnlinked, ClientWentOffline,
                                   SessionEnded, SessionStarted)
from projections.license import LICENSE_TAB, Counters, license_tab
from tests.projections.conftest import Feed

CONTACT = {"name": "Ann Example", "street": "Main St 1", "postal_code": "10115", "city": "Berlin",
           "country": "DE", "phone": "+49 30 1234567"}


@pytest.fixture
async def feed(conn) -> Feed:
    feed = Feed(conn, LICENSE_TAB)
    await feed(AccountOpened, customer_number="100001", email="ann@example.com", name="Ann")
    await feed(LicenseIssued, product="free", key_fingerprint="fp-1", expires_at=None)
    return feed


async def tab(feed: Feed):
    return await license_tab(feed.conn, feed.account_id, live_key)


async def live_key(shown: str) -> str:
    return "LIVE-KEY"


async def fingerprint(feed: Feed) -> str:
    return await feed.conn.fetchval("SELECT key_fingerprint FROM license_tab WHERE account_id = $1",
                                    feed.account_id)


async def test_an_opened_account_shows_the_free_product_its_limits_and_the_key_it_is_given(feed):
    shown = await tab(feed)

    assert (shown.customer_number, shown.email, shown.product.code, shown.license_key, shown.namespace,
            shown.payment_method) == ("100001", "ann@example.com", "free", "LIVE-KEY", None, None)
    assert shown.limits.max_clients == PRODUCTS["free"].max_clients


async def test_an_account_not_yet_projected_has_no_tab(conn):
    assert await license_tab(conn, uuid4(), live_key) is None


async def test_an_upgrade_shows_the_new_product_and_its_limits_and_lifts_a_cancellation(feed):
    await feed(LicenseCancelled, cancelled_at=feed.at(10))
    await feed(LicenseUpgraded, product="professional", expires_at=feed.at(1000))

    shown = await tab(feed)

    assert (shown.product.code, shown.expires_at, shown.cancelled_at, shown.limits.max_clients) == (
        "professional", feed.at(1000), None, PRODUCTS["professional"].max_clients)


async def test_a_cancellation_shows_when_it_takes_effect(feed):
    await feed(LicenseUpgraded, product="lite", expires_at=feed.at(1000))
    await feed(LicenseCancelled, cancelled_at=feed.at(1000))

    assert (await tab(feed)).cancelled_at == feed.at(1000)


async def test_an_expired_license_falls_back_to_free_without_an_end(feed):
    await feed(LicenseUpgraded, product="lite", expires_at=feed.at(1000))
    await feed(LicenseCancelled, cancelled_at=feed.at(1000))
    await feed(LicenseExpired, expired_at=feed.at(1000))

    shown = await tab(feed)

    assert (shown.product.code, shown.expires_at, shown.cancelled_at) == ("free", None, None)


async def test_a_key_reset_keeps_only_the_new_keys_fingerprint(feed):
    await feed(LicenseKeyReset, key_fingerprint="fp-2")

    assert await fingerprint(feed) == "fp-2"


async def test_a_namespace_shows_with_the_products_alias_limit(feed):
    await feed(LicenseNamespaceAssigned, namespace="acme")

    namespace = (await tab(feed)).namespace

    assert (namespace.name, namespace.max_aliases) == ("acme", PRODUCTS["free"].max_aliases)


async def test_the_contact_shows_as_last_changed(feed):
    await feed(AccountContactChanged, **{**CONTACT, "city": "Hamburg"})
    await feed(AccountContactChanged, **CONTACT)

    assert {k: getattr((await tab(feed)).contact, k) for k in CONTACT} == CONTACT


async def test_a_payment_method_shows_once_set(feed):
    await feed(AccountPaymentMethodChanged, kind="card", brand="visa", last4="4242", expiry_month=12,
               expiry_year=2030, holder="Ann Example")

    shown = (await tab(feed)).payment_method

    assert (shown.brand, shown.last4, shown.expiry_year) == ("visa", "4242", 2030)


async def test_the_counters_follow_clients_presence_and_sessions_both_ways(feed):
    for _ in range(3):
        await feed(ClientLinked, client_id="123456789")
    await feed(ClientUnlinked, client_id="123456789")
    for event_type in (ClientCameOnline, ClientCameOnline, ClientWentOffline):
        await feed(event_type, client_id="123456789", at=feed.at(5))
    for _ in range(3):
        await feed(SessionStarted, session_id="s", from_client_id="1", to_client_id="2", started_at=feed.at(5))
    await feed(SessionEnded, session_id="s", ended_at=feed.at(6), reason="ended")

    assert (await tab(feed)).counters == Counters(linked=2, online=1, active_sessions=2)


async def test_a_redelivered_opening_keeps_what_changed_since(feed):
    await feed(LicenseUpgraded, product="lite", expires_at=feed.at(1000))

    await feed.deliver(*feed.delivered[0])

    assert (await tab(feed)).product.code == "lite"


async def test_a_deleted_accounts_tab_is_erased(feed):
    await feed(AccountDeleted)

    assert await tab(feed) is None
