"""Helpers for the customer administration tests: plans, customers and reseller accounts through HTTP."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx

from tests.e2e.api import PASSWORD
from tests.e2e.people import Person, bearer, logged_in
from tests.support import eventually


def plan_body(*_: object, **limits: Any) -> dict[str, Any]:
    """A plan's body (`limits` override the defaults); the matrix passes its world, which it ignores."""
    return {"name": "Matrix", "max_customers": 100, "max_clients": 100, "products": ["free"],
            "max_concurrent_sessions": 1, "api_access": True, "namespaces": False, **limits}


def customer_body(*_: object) -> dict[str, Any]:
    return {"email": f"{uuid4().hex}@customer.test", "name": "Cai Customer"}


async def new_plan(http: httpx.AsyncClient, admin_token: str, **limits: Any) -> str:
    response = await http.post("/v1/admin/plans", json=plan_body(**limits), headers=bearer(admin_token))
    assert response.status_code == 201, response.text
    return response.json()["plan_id"]  # type: ignore[no-any-return]


async def create_customer(http: httpx.AsyncClient, token: str, **body: Any) -> httpx.Response:
    return await http.post("/v1/admin/customers", json={**customer_body(), **body}, headers=bearer(token))


async def new_customer(http: httpx.AsyncClient, token: str, **body: Any) -> str:
    response = await create_customer(http, token, **body)
    assert response.status_code == 201, response.text
    return response.json()["account_id"]  # type: ignore[no-any-return]


async def reseller_account(http: httpx.AsyncClient, admin_token: str, **limits: Any) -> Person:
    """A reseller account on a plan of its own (`limits`), its owner logged in."""
    plan_id = await new_plan(http, admin_token, **limits)
    email = f"{uuid4().hex}@reseller.test"
    await new_customer(http, admin_token, email=email, password=PASSWORD, account_type="reseller",
                       plan_id=plan_id, welcome_email=False)
    return await logged_in(http, email)


async def impersonate(http: httpx.AsyncClient, staff_token: str, account_id: str, minutes: int = 30,
                      reason: str = "The customer asked us to check its settings") -> tuple[str, str, int]:
    """Starts an impersonation; answers its id, its token and the event position."""
    response = await http.post(f"/v1/admin/customers/{account_id}/impersonation", headers=bearer(staff_token),
                               json={"reason": reason, "minutes": minutes})
    assert response.status_code == 201, response.text
    body = response.json()
    return body["impersonation_id"], body["token"], body["position"]


async def works_until_its_expiry(http: httpx.AsyncClient, token: str, expires_at: datetime, timeout: float) -> None:
    """A staff access's token reads the License tab until `expires_at` and is refused (401) from then on, to the
    second: polled every 0.2 s at most, two seconds leave room for a slow answer on a busy machine."""
    last_accepted: list[datetime] = []

    async def refused() -> bool:
        asked = datetime.now(UTC)
        answer = await http.get("/v1/license", headers=bearer(token))
        if answer.status_code == 200:
            last_accepted[:] = [asked]
            return False
        assert answer.status_code == 401, answer.text
        assert datetime.now(UTC) >= expires_at  # refused only once its time is up
        return True

    await eventually(refused, timeout=timeout, what="the token to expire")
    assert last_accepted and last_accepted[0] < expires_at <= last_accepted[0] + timedelta(seconds=2)
