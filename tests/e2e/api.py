"""Helpers for the end-to-end tests: sign up, send a command, read the License tab, check a problem."""

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx

PASSWORD = "Sunflower-Harbour-42"
CARD = {"kind": "card", "card_number": "4242 4242 4242 4242", "expiry_month": 12, "expiry_year": 2099,
        "holder": "Ann Example"}
PROBLEM_KEYS = {"type", "title", "status", "detail"}


def new_email() -> str:
    return f"{uuid4().hex}@example.com"


def new_namespace() -> str:
    return f"ns-{uuid4().hex[:12]}"


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


@dataclass(frozen=True)
class Account:
    email: str
    account_id: str
    customer_number: str
    token: str
    position: int  # the event position of its latest command (its sign-up, at first)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def sign_up(http: httpx.AsyncClient, email: str | None = None, name: str = "Ann Example") -> Account:
    email = email or new_email()
    response = await http.post("/v1/signup", json={"email": email, "password": PASSWORD, "name": name})
    assert response.status_code == 201, response.text
    body = response.json()
    return Account(email=email, account_id=body["account_id"], customer_number=body["customer_number"],
                   token=body["token"], position=body["position"])


async def command(http: httpx.AsyncClient, account: Account, method: str, path: str,
                  body: Any = None) -> int:
    """Send an accepted command; answers its event position (checked equal in header and body)."""
    response = await http.request(method, path, json=body, headers=account.auth)
    assert response.status_code == 200, response.text
    position = response.json()["position"]
    assert response.headers["X-Event-Position"] == str(position)
    return position


async def license_tab(http: httpx.AsyncClient, account: Account, at: int) -> dict[str, Any]:
    """The License tab once the view has applied the event at position `at` (read-your-writes)."""
    response = await http.get("/v1/license", headers={**account.auth, "X-Min-Position": str(at)})
    assert response.status_code == 200, response.text
    return response.json()


def problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """Assert an RFC 9457 problem with this status (and field at fault); answers its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert PROBLEM_KEYS <= body.keys(), body
    assert body["status"] == status
    if field is not None:
        assert body.get("field") == field, body
    return body
