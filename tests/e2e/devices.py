"""Helpers for the end-to-end tests of clients and sessions: the device side (license key) and reading the
Clients and Sessions tabs once they have applied a given event position."""

import csv
import io
import secrets
from dataclasses import dataclass
from typing import Any

from dataclasses import replace

import httpx

from tests.e2e.api import Account, command, license_tab


def new_client_id() -> str:
    """A random id as the remote-desktop software shows it: 9 or 10 digits."""
    return str(100_000_000 + secrets.randbelow(9_900_000_000))


def accepted(response: httpx.Response, status: int = 200) -> int:
    """The event position of an accepted command (checked equal in header and body)."""
    assert response.status_code == status, response.text
    position = response.json()["position"]
    assert response.headers["X-Event-Position"] == str(position)
    return position


@dataclass(frozen=True)
class Device:
    """The remote-desktop software of one account, calling with its license key."""

    http: httpx.AsyncClient
    key: str

    async def post(self, path: str, body: Any = None, key: str | None = None) -> httpx.Response:
        return await self.http.post(f"/v1/device{path}", json=body, headers={"X-License-Key": key or self.key})

    async def register(self, client_id: str | None = None, version: str = "1.0.0",
                       platform: str = "windows") -> tuple[str, int]:
        """Links a fresh (or the given) client; answers its id and the event position."""
        client_id = client_id or new_client_id()
        body = {"client_id": client_id, "version": version, "platform": platform}
        return client_id, accepted(await self.post("/register", body))

    async def beat(self, client_id: str, version: str = "1.0.0") -> httpx.Response:
        return await self.post("/heartbeat", {"client_id": client_id, "version": version})

    async def online(self, client_id: str, version: str = "1.0.0") -> int:
        """A first heartbeat, which records that the client came online; answers its position."""
        return accepted(await self.beat(client_id, version))

    async def start(self, from_client_id: str, to_client_id: str) -> tuple[str, int]:
        """Starts a session; answers its id and the event position."""
        response = await self.post("/sessions", {"from_client_id": from_client_id, "to_client_id": to_client_id})
        return response.json()["session_id"], accepted(response, 201)

    async def end(self, session_id: str) -> int:
        return accepted(await self.post(f"/sessions/{session_id}/end"))

    async def session(self, from_client_id: str, to_client_id: str) -> tuple[str, int]:
        """A session started and ended (the free tier allows one at a time); answers its id and position."""
        session_id, _ = await self.start(from_client_id, to_client_id)
        return session_id, await self.end(session_id)


async def device_of(http: httpx.AsyncClient, account: Account, at: int | None = None) -> Device:
    """The device side of an account, with the license key current at position `at`."""
    return Device(http, (await license_tab(http, account, at or account.position))["license_key"])


def namespace_of(account: Account) -> str:
    """The custom namespace `with_namespace` buys for an account: named after its (random) e-mail."""
    return f"ns-{account.email.split('@')[0][:20]}"


def alias(account: Account, name: str) -> str:
    return f"{name}@{namespace_of(account)}"


async def with_namespace(http: httpx.AsyncClient, account: Account) -> Account:
    """The account (on a tier that may own one) after buying its custom namespace, so it may set aliases."""
    position = await command(http, account, "POST", "/v1/license/namespace", {"namespace": namespace_of(account)})
    return replace(account, position=position)


async def read(http: httpx.AsyncClient, account: Account, path: str, at: int, **params: Any) -> Any:
    """A query's JSON body once its view has applied the event at position `at` (read-your-writes)."""
    response = await http.get(path, params=params, headers={**account.auth, "X-Min-Position": str(at)})
    assert response.status_code == 200, response.text
    return response.json()


async def patch(http: httpx.AsyncClient, account: Account, path: str, body: Any) -> httpx.Response:
    return await http.patch(path, json=body, headers=account.auth)


async def export(http: httpx.AsyncClient, account: Account, path: str, **params: Any) -> list[list[str]]:
    """A CSV export's rows (header first), after checking it starts with a UTF-8 byte-order mark."""
    response = await http.get(path, params=params, headers=account.auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
