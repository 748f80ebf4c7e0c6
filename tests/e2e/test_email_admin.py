"""Staff and e-mail over HTTP: the help desk looks up an address's last e-mails, staff suppress and clear
addresses, a provider reports a bounce; customers reach none of it."""

from collections.abc import Awaitable, Callable
from uuid import uuid4

import httpx
import pytest

from domain.user_commands import PLATFORM_ACCOUNT
from gateway.identity import issue_token
from tests.e2e.api import Account, problem

Staff = Callable[[str], Awaitable[dict[str, str]]]


@pytest.fixture
def staff(pool) -> Staff:
    """Authorization headers of a fresh platform staff member with the given role."""
    async def headers(platform_role: str) -> dict[str, str]:
        issued = await issue_token(pool, account_id=PLATFORM_ACCOUNT, user_id=uuid4(),
                                   email=f"{uuid4().hex}@staff.test", role=platform_role,
                                   platform_role=platform_role, ttl_seconds=600)
        return {"Authorization": f"Bearer {issued.token}"}
    return headers


def new_address() -> str:
    return f"{uuid4().hex}@mail.test"


async def test_the_help_desk_sees_an_addresses_last_emails(http: httpx.AsyncClient, portal, staff: Staff):
    account_id, address = uuid4(), new_address()
    first, _ = portal.queue_email(account_id, address, "welcome", {})
    portal.mark_sent(account_id, first)
    second, position = portal.queue_email(account_id, address, "verification_code", {"code": "123456"})

    response = await http.get("/v1/admin/email", params={"to": address.upper()},
                              headers={**await staff("help desk"), "X-Min-Position": str(position)})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["to"], body["suppressed"]) == (address, False)
    assert [(e["email_id"], e["status"]) for e in body["items"]] == [(second, "queued"), (first, "sent")]
    assert body["items"][0]["account_id"] == str(account_id)


async def test_staff_suppress_and_clear_an_address(http: httpx.AsyncClient, staff: Staff):
    admin, help_desk, address = await staff("administrator"), await staff("help desk"), new_address()

    added = await http.post("/v1/admin/email/suppressions", json={"email": address, "reason": "complaint"},
                            headers=admin)
    listed = await http.get("/v1/admin/email/suppressions", params={"limit": 500},
                            headers={**help_desk, "X-Min-Position": added.headers["X-Event-Position"]})
    cleared = await http.delete(f"/v1/admin/email/suppressions/{address}", headers=help_desk)
    again = await http.delete(f"/v1/admin/email/suppressions/{address}", headers=help_desk)

    assert added.status_code == 200, added.text
    assert address in [s["address"] for s in listed.json()["items"]]
    assert cleared.status_code == 200, cleared.text
    problem(again, 404)


async def test_a_reported_bounce_bounces_the_last_sent_email(http: httpx.AsyncClient, portal, staff: Staff):
    account_id, address = uuid4(), new_address()
    email_id, _ = portal.queue_email(account_id, address, "welcome", {})
    position = portal.mark_sent(account_id, email_id)
    admin = await staff("administrator")
    # The report is matched to the last sent e-mail through the read model: wait until it shows the send.
    await http.get("/v1/admin/email", params={"to": address}, headers={**admin, "X-Min-Position": str(position)})

    response = await http.post("/v1/admin/email/bounces", json={"email": address, "reason": "550 gone"},
                               headers=admin)

    assert response.status_code == 200, response.text
    assert portal.email(account_id, email_id).status == "bounced"
    assert portal.is_suppressed(address)


async def test_the_help_desk_cannot_add_suppressions(http: httpx.AsyncClient, staff: Staff):
    response = await http.post("/v1/admin/email/suppressions", json={"email": new_address(), "reason": "x"},
                               headers=await staff("help desk"))

    problem(response, 403)


async def test_a_customer_reaches_no_email_administration(http: httpx.AsyncClient, account: Account):
    response = await http.get("/v1/admin/email", params={"to": account.email}, headers=account.auth)

    problem(response, 403)


async def test_a_malformed_address_is_refused_naming_the_field(http: httpx.AsyncClient, staff: Staff):
    response = await http.post("/v1/admin/email/suppressions", json={"email": "not an address", "reason": "x"},
                               headers=await staff("administrator"))

    problem(response, 422, field="email")


async def test_without_credentials_the_email_routes_answer_401(http: httpx.AsyncClient):
    problem(await http.get("/v1/admin/email/suppressions"), 401)
