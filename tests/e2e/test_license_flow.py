"""The whole path: HTTP command → event store → relay → NATS → projector → read model → HTTP query."""

import json
import re
from datetime import UTC, datetime, timedelta
from uuid import UUID

import nats
from nats.js.api import DeliverPolicy

from domain.application import Portal
from domain.contract import EVENT_TYPES
from tests.e2e.api import (CARD, PASSWORD, command, license_tab, luhn_ok, new_email, new_namespace,
                           problem, sign_up)
from workers.config import Settings

KEY = re.compile(r"[0-9A-F]{4}(-[0-9A-F]{4}){4}")
TERM = timedelta(days=365)
FREE_LIMITS = {"max_clients": 3, "max_concurrent_sessions": 1, "max_active_devices": None,
               "max_session_minutes": 60, "max_aliases": 0}
PROFESSIONAL_LIMITS = {"max_clients": 1000, "max_concurrent_sessions": 1, "max_active_devices": None,
                       "max_session_minutes": 1440, "max_aliases": 100}


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


# Signing up and reading the License tab

async def test_signing_up_answers_the_account_its_customer_number_a_token_and_the_event_position(http):
    response = await http.post("/v1/signup", json={"email": new_email(), "password": PASSWORD, "name": "Ann"})

    assert response.status_code == 201, response.text
    body = response.json()
    UUID(body["account_id"])
    assert re.fullmatch(r"[0-9]{9}", body["customer_number"]) and luhn_ok(body["customer_number"])
    assert body["token"] and body["token_type"] == "Bearer"
    assert response.headers["X-Event-Position"] == str(body["position"])


async def test_a_new_account_reads_a_free_license_with_its_own_details(http, account):
    tab = await license_tab(http, account, account.position)

    assert tab["account_id"] == account.account_id
    assert (tab["email"], tab["customer_number"]) == (account.email, account.customer_number)
    assert tab["product"] == {"code": "free", "name": "Free"}
    assert tab["limits"] == FREE_LIMITS
    assert tab["counters"] == {"linked": 0, "online": 0, "active_sessions": 0}
    assert KEY.fullmatch(tab["license_key"])
    assert (tab["expires_at"], tab["cancelled_at"], tab["namespace"], tab["payment_method"]) == (
        None, None, None, None)


async def test_upgrading_shows_the_new_product_its_limits_and_a_one_year_term(http, account):
    before = datetime.now(UTC)
    position = await command(http, account, "POST", "/v1/license/upgrade", {"product": "professional"})
    after = datetime.now(UTC)

    tab = await license_tab(http, account, position)
    assert tab["product"] == {"code": "professional", "name": "Professional"}
    assert tab["limits"] == PROFESSIONAL_LIMITS
    assert before + TERM <= moment(tab["expires_at"]) <= after + TERM


async def test_a_bought_namespace_shows_with_the_tiers_alias_limit(http, professional):
    name = new_namespace()
    position = await command(http, professional, "POST", "/v1/license/namespace", {"namespace": name})

    tab = await license_tab(http, professional, position)
    assert tab["namespace"] == {"name": name, "max_aliases": 100}


async def test_resetting_the_key_shows_a_different_key(http, account):
    old = (await license_tab(http, account, account.position))["license_key"]
    position = await command(http, account, "POST", "/v1/license/key/reset")

    new = (await license_tab(http, account, position))["license_key"]
    assert KEY.fullmatch(new) and new != old


async def test_cancelling_shows_when_and_keeps_the_expiry(http, professional):
    expires_at = (await license_tab(http, professional, professional.position))["expires_at"]
    position = await command(http, professional, "POST", "/v1/license/cancel")

    tab = await license_tab(http, professional, position)
    assert tab["cancelled_at"] is not None
    assert tab["expires_at"] == expires_at
    assert tab["product"]["code"] == "professional"


async def test_upgrading_after_cancelling_starts_a_new_contract(http, professional):
    await command(http, professional, "POST", "/v1/license/cancel")
    position = await command(http, professional, "POST", "/v1/license/upgrade", {"product": "power"})

    tab = await license_tab(http, professional, position)
    assert (tab["product"]["code"], tab["cancelled_at"]) == ("power", None)


async def test_changed_contact_details_show_on_the_license_tab(http, account):
    contact = {"name": "Ann Example", "street": "Königstraße 1", "postal_code": "70173", "city": "Stuttgart",
               "country": "DE", "phone": "+49 711 123456"}
    position = await command(http, account, "PUT", "/v1/account/contact", contact)

    assert (await license_tab(http, account, position))["contact"] == contact


async def test_a_card_is_kept_only_as_brand_and_last_four_digits(http, account, portal: Portal):
    response = await http.put("/v1/account/payment", json=CARD, headers=account.auth)
    assert response.status_code == 200, response.text
    tab = await http.get("/v1/license", headers={**account.auth,
                                                 "X-Min-Position": response.headers["X-Event-Position"]})

    assert tab.status_code == 200, tab.text
    assert tab.json()["payment_method"] == {"kind": "card", "brand": "visa", "last4": "4242", "expiry_month": 12,
                                            "expiry_year": 2099, "holder": "Ann Example"}
    stored = b"".join(e.state for e in portal.recorder.select_events(UUID(account.account_id)))
    for text in (response.text, tab.text, stored.decode()):
        assert "4242424242424242" not in text and "4242 4242 4242 4242" not in text


async def test_a_sepa_debit_is_kept_only_as_country_and_last_four_characters(http, account):
    sepa = {"kind": "sepa_debit", "iban": "DE89 3704 0044 0532 0130 00", "holder": "Ann Example"}
    position = await command(http, account, "PUT", "/v1/account/payment", sepa)

    assert (await license_tab(http, account, position))["payment_method"] == {
        "kind": "sepa_debit", "brand": "DE", "last4": "3000", "expiry_month": None, "expiry_year": None,
        "holder": "Ann Example"}


async def test_invoice_may_be_chosen_as_the_payment_method(http, account):
    position = await command(http, account, "PUT", "/v1/account/payment", {"kind": "invoice"})

    assert (await license_tab(http, account, position))["payment_method"]["kind"] == "invoice"


async def test_the_product_catalog_lists_every_tier_in_rank_order_without_a_login(http):
    response = await http.get("/v1/license/products")

    assert response.status_code == 200
    products = response.json()
    assert [p["code"] for p in products] == ["free", "lite", "professional", "power", "performance",
                                             "enterprise"]
    assert [p["rank"] for p in products] == sorted(p["rank"] for p in products)
    assert {k: products[0][k] for k in FREE_LIMITS} == FREE_LIMITS
    assert [p["term_days"] for p in products] == [None, 365, 365, 365, 365, 365]


# Logging in and out

async def test_logging_in_with_the_email_in_another_case_opens_the_same_account(http, account):
    response = await http.post("/v1/auth/login", json={"email": account.email.upper(), "password": PASSWORD})

    assert response.status_code == 200, response.text
    assert response.json()["account_id"] == account.account_id
    token = response.json()["token"]
    tab = await http.get("/v1/license", headers={"Authorization": f"Bearer {token}",
                                                 "X-Min-Position": str(account.position)})
    assert tab.json()["account_id"] == account.account_id


async def test_logging_out_revokes_the_token(http, account):
    assert (await http.post("/v1/auth/logout", headers=account.auth)).status_code == 204

    problem(await http.get("/v1/license", headers=account.auth), 401)


async def test_logging_out_leaves_the_accounts_other_tokens_working(http, account):
    login = await http.post("/v1/auth/login", json={"email": account.email, "password": PASSWORD})
    await http.post("/v1/auth/logout", headers=account.auth)

    other = {"Authorization": f"Bearer {login.json()['token']}", "X-Min-Position": str(account.position)}
    assert (await http.get("/v1/license", headers=other)).status_code == 200


async def test_a_wrong_password_is_refused_without_saying_whether_the_login_exists(http, account):
    wrong = problem(await http.post("/v1/auth/login", json={"email": account.email, "password": "Not-It-9999"}),
                    401)
    unknown = problem(await http.post("/v1/auth/login", json={"email": new_email(), "password": PASSWORD}), 401)

    assert wrong == unknown


# What internal services see on NATS

async def test_an_internal_service_sees_the_accounts_events_in_order_on_nats(http, settings: Settings):
    nc = await nats.connect(settings.nats_url)
    try:
        sub = await nc.jetstream().subscribe("portal.evt.>", stream="PORTAL_EVENTS", ordered_consumer=True,
                                             deliver_policy=DeliverPolicy.NEW)
        account = await sign_up(http)
        upgraded = await command(http, account, "POST", "/v1/license/upgrade", {"product": "lite"})
        reset = await command(http, account, "POST", "/v1/license/key/reset")
        seen = []
        while not seen or int(seen[-1].headers["Portal-Position"]) < reset:
            msg = await sub.next_msg(timeout=30)
            if msg.subject.startswith(f"portal.evt.{account.account_id}."):
                seen.append(msg)
    finally:
        await nc.close()

    positions = [int(m.headers["Portal-Position"]) for m in seen]
    assert positions == sorted(set(positions)) and positions[-1] == reset

    def types(after: int, upto: int) -> list[str]:
        return [m.headers["Portal-Event-Type"] for m, p in zip(seen, positions) if after < p <= upto]

    assert types(0, account.position)[0] == "AccountOpened"
    assert {"UserRegistered", "LicenseIssued"} <= set(types(0, account.position))
    assert "ValueClaimed" in types(0, account.position)
    assert "LicenseUpgraded" in types(account.position, upgraded)
    assert "LicenseKeyReset" in types(upgraded, reset)
    for msg in seen:
        event_type = msg.headers["Portal-Event-Type"]
        aggregate = EVENT_TYPES[event_type].aggregate
        assert msg.subject == f"portal.evt.{account.account_id}.{aggregate}.{event_type}"
        assert msg.headers["Nats-Msg-Id"] == msg.headers["Portal-Position"]
        assert msg.headers["Portal-Schema-Version"] == str(EVENT_TYPES[event_type].SCHEMA_VERSION)
        assert json.loads(msg.data)["account_id"] == account.account_id


# Read-your-writes

async def test_a_position_the_view_does_not_reach_in_time_answers_503_with_retry_after(http, account, pool):
    async with pool.acquire() as conn, conn.transaction():
        # While this row is locked the License tab's projector cannot commit: the view stays behind.
        await conn.execute("SELECT 1 FROM projection_positions WHERE projection = 'license_tab' FOR UPDATE")
        position = await command(http, account, "POST", "/v1/license/upgrade", {"product": "professional"})
        response = await http.get("/v1/license", headers={**account.auth, "X-Min-Position": str(position)})

    body = problem(response, 503)
    assert body["type"].endswith("projection-behind")
    assert int(response.headers["Retry-After"]) > 0
