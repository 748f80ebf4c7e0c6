"""The help desk's search over HTTP: customers, users and clients found by each attribute, by prefix and
despite a typo; a reseller sees only its own customers; who may search; bad input; the read model rebuilt
from the event store equals the live one."""

import httpx
import pytest

from projections.domains import DOMAINS
from projections.rebuild import verify
from projections.search import SEARCH
from tests.e2e.api import command, problem, sign_up
from tests.e2e.customers import new_customer, reseller_account
from tests.e2e.devices import device_of
from tests.e2e.people import Person, added_member, staff_member
from tests.e2e.test_customer_delete import projected
from tests.projections.test_search import mistyped, word


async def staff_of_module(gateway: str, settings, role: str) -> Person:
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        return await staff_member(http, settings, role)


@pytest.fixture(scope="module")
async def desk(gateway, settings) -> Person:
    return await staff_of_module(gateway, settings, "help desk")


@pytest.fixture(scope="module")
async def admin(gateway, settings) -> Person:
    return await staff_of_module(gateway, settings, "administrator")


async def found(http, who: Person, q: str, position: int, kind: str | None = None) -> list[tuple[str, str]]:
    response = await http.get("/v1/helpdesk/search", params={"q": q, **({"kind": kind} if kind else {})},
                              headers={**who.auth, "X-Min-Position": str(position)})
    assert response.status_code == 200, response.text
    return [(i["kind"], i["id"]) for i in response.json()["items"]]


async def test_a_customer_is_found_by_name_number_and_id_by_prefix_and_despite_a_typo(http, desk):
    name = word()
    account = await sign_up(http, name=f"{name} Logistics")
    expected = ("customer", account.account_id)

    for q in (f"{name} Logistics", account.customer_number, account.account_id, name[:4], mistyped(name)):
        assert expected in await found(http, desk, q, account.position, "customer"), q


async def test_a_user_is_found_by_name_id_and_email_by_prefix_and_despite_a_typo(http, desk, account):
    last = word()
    response = await http.post("/v1/users", json={"email": f"{last}@example.com", "name": f"Max {last}"},
                               headers=account.auth)
    user_id, position = response.json()["user_id"], response.json()["position"]

    for q in (f"Max {last}", user_id, f"{last}@example.com", last[:5], mistyped(last)):
        assert ("user", user_id) in await found(http, desk, q, position, "user"), q


async def test_a_client_is_found_by_its_id_and_its_start(http, desk, account):
    client_id, position = await (await device_of(http, account)).register()

    for q in (client_id, client_id[:6]):
        assert ("client", client_id) in await found(http, desk, q, position, "client"), q


async def test_an_invoice_is_found_by_its_number_and_its_start(http, desk, account):
    position = await command(http, account, "POST", "/v1/license/upgrade", {"product": "professional"})
    invoices = await http.get("/v1/invoices", headers={**account.auth, "X-Min-Position": str(position)})
    invoice = invoices.json()["items"][0]

    for q in (invoice["number"], invoice["number"][:-1]):  # a start that only a few numbers share
        assert ("invoice", invoice["invoice_id"]) in await found(http, desk, q, position, "invoice"), q


async def test_an_administrator_searches_too(http, admin):
    account = await sign_up(http, name=f"{word()} Admin")

    assert ("customer", account.account_id) in await found(http, admin, account.customer_number, account.position)


async def test_a_reseller_sees_only_its_own_customers(http, admin):
    name = word()
    mine, theirs = await reseller_account(http, admin.token), await reseller_account(http, admin.token)
    own = await new_customer(http, mine.token, name=f"{name} Own")
    other = await new_customer(http, theirs.token, name=f"{name} Other")
    position = (await added_member(http, await sign_up(http)))[2]  # a later event: both customers are in

    seen = {i for _, i in await found(http, mine, name, position, "customer")}
    seen_by_them = {i for _, i in await found(http, theirs, name, position, "customer")}

    assert (seen, seen_by_them) == ({own}, {other})


@pytest.mark.parametrize("role", ["customer", "auditor", "anonymous"])
async def test_only_the_help_desk_administrators_and_resellers_may_search(http, settings, account, role):
    headers = {"customer": account.auth, "anonymous": {}}.get(role)
    if headers is None:
        headers = (await staff_member(http, settings, role)).auth

    problem(await http.get("/v1/helpdesk/search", params={"q": "anything"}, headers=headers),
            401 if role == "anonymous" else 403)


async def test_credentials_are_checked_before_the_query(http):
    problem(await http.get("/v1/helpdesk/search", params={"kind": "planet"}), 401)


@pytest.mark.parametrize(("params", "field"), [
    ({}, "q"), ({"q": ""}, "q"), ({"q": "   "}, "q"), ({"q": "a"}, "q"), ({"q": "x" * 101}, "q"),
    ({"q": "ann\u0000"}, "q"), ({"q": "ann", "kind": "planet"}, "kind")])
async def test_bad_input_is_refused_naming_the_field(http, desk, params, field):
    problem(await http.get("/v1/helpdesk/search", params=params, headers=desk.auth), 422, field)


async def test_the_search_read_model_rebuilt_from_the_event_store_equals_the_live_one(http, pool, portal, account):
    await http.post("/v1/account/domains", json={"domain": f"{word()}.example"}, headers=account.auth)
    position = (await added_member(http, account))[2]
    await projected(pool, position)

    for model in (SEARCH, DOMAINS):
        assert await verify(pool, portal, model) == [], model.name
