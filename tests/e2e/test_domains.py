"""An account's domains over HTTP, verified against a real DNS server on loopback: claim, verify (record
missing, wrong token, right token), remove, another account's domain, names checked by IDNA; a verified
domain finds its customer in the help desk's search."""

from collections.abc import AsyncIterator, Iterator
from uuid import uuid4

import pytest

from tests.e2e.api import Account, problem, sign_up
from tests.e2e.dns import Zone, dns_server
from tests.e2e.people import Person, member_of, staff_member
from tests.support import running_service


@pytest.fixture(scope="module")
def dns() -> Iterator[tuple[Zone, str]]:
    with dns_server() as served:
        yield served


@pytest.fixture(scope="module")
async def gateway(settings, tmp_path_factory, dns) -> AsyncIterator[str]:
    """This module's service asks the loopback DNS server (the session's stacks ask none)."""
    async with running_service(settings, tmp_path_factory.mktemp("stack"),
                               env={"PORTAL_DNS_RESOLVER": dns[1]}) as base:
        yield base


@pytest.fixture
def zone(dns) -> Zone:
    return dns[0]


def new_domain() -> str:
    return f"d{uuid4().hex[:12]}.example"


async def claim(http, account: Account, domain: str) -> dict:
    response = await http.post("/v1/account/domains", json={"domain": domain}, headers=account.auth)
    assert response.status_code == 201, response.text
    return response.json()


async def verify(http, account: Account, domain: str):
    return await http.post(f"/v1/account/domains/{domain}/verify", headers=account.auth)


async def listed(http, account: Account, position: int) -> list[dict]:
    response = await http.get("/v1/account/domains", headers={**account.auth, "X-Min-Position": str(position)})
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_claimed_domain_is_listed_unverified_with_its_record(http, account):
    domain = new_domain()
    claimed = await claim(http, account, domain)

    [shown] = await listed(http, account, claimed["position"])

    assert claimed["record"].startswith("portal-verification=")
    assert (shown["domain"], shown["record"], shown["verified"]) == (domain, claimed["record"], False)


async def test_a_domain_is_verified_once_its_txt_record_is_published(http, account, zone):
    domain = new_domain()
    claimed = await claim(http, account, domain)
    zone.publish(domain, "v=spf1 -all", claimed["record"])

    response = await verify(http, account, domain)

    assert response.status_code == 200, response.text
    [shown] = await listed(http, account, response.json()["position"])
    assert shown["verified"] is True and shown["verified_at"]


async def test_without_the_record_the_domain_stays_unverified(http, account, zone):
    missing, wrong = new_domain(), new_domain()
    await claim(http, account, missing)
    claimed = await claim(http, account, wrong)
    zone.publish(wrong, "portal-verification=not-the-token")

    for domain in (missing, wrong):
        body = problem(await verify(http, account, domain), 409, "domain")
        assert "portal-verification=" in body["detail"]
    assert [d["verified"] for d in await listed(http, account, claimed["position"])] == [False, False]


async def test_a_domain_verified_by_one_account_is_refused_to_another(http, account, zone):
    domain, other = new_domain(), await sign_up(http)
    theirs = await claim(http, other, domain)  # pending claims of one domain may coexist
    zone.publish(domain, (await claim(http, account, domain))["record"], theirs["record"])
    assert (await verify(http, account, domain)).status_code == 200

    problem(await verify(http, other, domain), 409, "domain")
    problem(await http.post("/v1/account/domains", json={"domain": domain.upper()}, headers=other.auth), 409,
            "domain")


async def test_a_removed_domain_is_gone_and_free_for_another_account(http, account, zone):
    domain, other = new_domain(), await sign_up(http)
    zone.publish(domain, (await claim(http, account, domain))["record"])
    await verify(http, account, domain)

    removed = await http.delete(f"/v1/account/domains/{domain}", headers=account.auth)

    assert removed.status_code == 200, removed.text
    assert await listed(http, account, removed.json()["position"]) == []
    zone.publish(domain, (await claim(http, other, domain))["record"])
    assert (await verify(http, other, domain)).status_code == 200


async def test_another_accounts_domain_is_not_found(http, account):
    domain, other = new_domain(), await sign_up(http)
    await claim(http, other, domain)

    problem(await verify(http, account, domain), 404)
    problem(await http.delete(f"/v1/account/domains/{domain}", headers=account.auth), 404)


async def test_an_international_name_is_kept_in_its_ascii_form(http, account):
    label = uuid4().hex[:8]
    claimed = await claim(http, account, f"Bücher-{label}.Example")

    assert claimed["domain"].startswith("xn--bcher-") and claimed["domain"].isascii()
    assert claimed["unicode"] == f"bücher-{label}.example"


@pytest.mark.parametrize("domain", ["", "example", "exa mple.com", "a_b.example", "-a.example", "a..example",
                                    "1.2.3.4", "a" * 64 + ".example", "x\u0000y.example"])
async def test_a_name_that_is_not_a_domain_is_refused_naming_it(http, account, domain):
    problem(await http.post("/v1/account/domains", json={"domain": domain}, headers=account.auth), 422, "domain")


async def test_a_member_cannot_claim_a_domain(http, portal, account):
    member = await member_of(http, portal, account)

    problem(await http.post("/v1/account/domains", json={"domain": new_domain()}, headers=member.auth), 403)
    problem(await http.get("/v1/account/domains"), 401)


async def test_a_verified_domain_finds_its_customer_and_its_users(http, settings, account, zone):
    domain = new_domain()
    zone.publish(domain, (await claim(http, account, domain))["record"])
    position = (await verify(http, account, domain)).json()["position"]
    desk: Person = await staff_member(http, settings, "help desk")
    elsewhere = await sign_up(http, email=f"eve@{domain}", name="Eve Elsewhere")

    found = await http.get("/v1/helpdesk/search", params={"q": domain},
                           headers={**desk.auth, "X-Min-Position": str(max(position, elsewhere.position))})

    items = {(i["kind"], i["account_id"]): i for i in found.json()["items"]}
    assert ("customer", account.account_id) in items
    assert items[("user", elsewhere.account_id)]["detail"].endswith(f"{domain}: Ann Example")
