"""A small client of the AnyDesk-compatible API, written for these tests from the protocol's description (not
from anyone's client), and the seeding of an account for them."""

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx

from domain.application import Portal
from domain.seeding import PastSession, import_clients, import_sessions
from tests.e2e.api import Account
from tests.e2e.devices import new_client_id, read

ROOT = "/anydesk"


def sign(password: str, method: str, resource: str, timestamp: str, body: bytes) -> str:
    body_hash = base64.b64encode(hashlib.sha1(body).digest()).decode()
    message = "\n".join((method, resource, timestamp, body_hash)).encode()
    return base64.b64encode(hmac.new(password.encode(), message, hashlib.sha1).digest()).decode()


@dataclass
class AnyDesk:
    http: httpx.AsyncClient
    license_id: str
    password: str
    last_timestamp: int = field(default=0)

    def timestamp(self) -> int:
        # An identical request in the same second would be a replay: each request of these tests gets a
        # second of its own (a few hundred per test session stay well inside the five minutes allowed).
        self.last_timestamp = max(int(time.time()), self.last_timestamp + 1)
        return self.last_timestamp

    async def request(self, method: str, resource: str, body: Any = None, *, timestamp: int | None = None,
                      password: str | None = None, signed_body: bytes | None = None) -> httpx.Response:
        """Sends `resource` (path and query, as they go on the wire) below the API's root, signed; the
        keyword arguments sign with other values than the request's own, to be refused."""
        raw = b"" if body is None else json.dumps(body).encode()
        url = httpx.URL(ROOT + resource)
        sent = url.raw_path.decode()[len(ROOT):]  # what goes on the wire, with its query exactly as sent
        stamp = str(timestamp or self.timestamp())
        token = sign(password or self.password, method, sent, stamp,
                     raw if signed_body is None else signed_body)
        headers = {"Authorization": f"AD {self.license_id}:{stamp}:{token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        return await self.http.request(method, url, content=raw, headers=headers)

    async def get(self, resource: str) -> Any:
        response = await self.request("GET", resource)
        assert response.status_code == 200, response.text
        return response.json()


async def api_password(http: httpx.AsyncClient, account: Account) -> tuple[str, str]:
    """Creates (or resets) the account's API password; answers (license id, password)."""
    response = await http.post("/v1/license/api-password", headers=account.auth)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["license_id"], body["api_password"]


async def anydesk_of(http: httpx.AsyncClient, account: Account) -> AnyDesk:
    license_id, password = await api_password(http, account)
    return AnyDesk(http, license_id, password)


def refusal(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert AnyDesk's error shape with this status and code; answers the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and isinstance(body["error"], str), body
    return body


@dataclass(frozen=True)
class Seeded:
    clients: list[str]  # ordered by id (a number)
    sessions: list[PastSession]  # oldest first
    position: int  # of the last event seeded


def seed(portal: Portal, account: Account, clients: int = 4, sessions: int = 6) -> Seeded:
    """Clients and past sessions of different lengths and times, recorded by the very aggregate methods the
    commands use, so tests need not wait for real time to pass."""
    client_ids = sorted((new_client_id() for _ in range(clients)), key=int)  # as AnyDesk sorts: by number
    account_id = UUID(account.account_id)
    list(import_clients(portal, account_id, client_ids, "9.0.1", "windows"))
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=sessions)
    past = [PastSession(from_client_id=client_ids[i % clients], to_client_id=client_ids[(i + 1) % clients],
                        started_at=start + timedelta(days=i), ended_at=start + timedelta(days=i, minutes=7 * i + 1))
            for i in range(sessions)]
    list(import_sessions(portal, account_id, past))
    return Seeded(clients=client_ids, sessions=past, position=portal.current_position())


async def seeded_account(http: httpx.AsyncClient, portal: Portal, account: Account, clients: int = 4,
                         sessions: int = 6) -> tuple[Seeded, AnyDesk]:
    """The account (on a tier with a namespace) seeded, once the Clients and Sessions tabs show it, with its
    AnyDesk client."""
    seeded = seed(portal, account, clients, sessions)
    await read(http, account, "/v1/clients", seeded.position)
    await read(http, account, "/v1/sessions", seeded.position)
    return seeded, await anydesk_of(http, account)
