"""Helpers for the end-to-end tests of the Files tab: a stack with the builder, custom clients, waiting for
their builds, and reading a package."""

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.e2e.api import Account, command, sign_up
from tests.support import eventually, running_service
from workers.config import Settings

CUSTOM_CLIENT = {"name": "Matrix", "platform": "macos", "direction": "incoming", "allow_install": False,
                 "program_name": "Matrix Support", "public": True}
SETTINGS = {"name": "Front desk", "platform": "windows", "direction": "both", "allow_install": True,
            "program_name": "Acme Support", "public": True,
            "options": {"ad.connection.port": 7070, "ad.ui.language": "de"}}


@pytest.fixture(scope="module")
async def gateway(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """The service with the builder among its roles."""
    async with running_service(settings, tmp_path_factory.mktemp("files"),
                               workers=("relay", "projector", "builder")) as base:
        yield base


async def performance_account(http: httpx.AsyncClient) -> Account:
    account = await sign_up(http)
    response = await http.post("/v1/license/upgrade", json={"product": "performance"}, headers=account.auth)
    assert response.status_code == 200, response.text
    return account


async def create(http: httpx.AsyncClient, account: Account, **changes: Any) -> tuple[str, int]:
    response = await http.post("/v1/files", json={**SETTINGS, **changes}, headers=account.auth)
    assert response.status_code == 201, response.text
    assert response.headers["X-Event-Position"] == str(response.json()["position"])
    return response.json()["custom_client_id"], response.json()["position"]


async def details(http: httpx.AsyncClient, account: Account, custom_client_id: str,
                  at: int | None = None) -> dict[str, Any]:
    headers = {**account.auth, **({"X-Min-Position": str(at)} if at else {})}
    response = await http.get(f"/v1/files/{custom_client_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def built(http: httpx.AsyncClient, account: Account, custom_client_id: str, at: int,
                version: str | None = None) -> dict[str, Any]:
    """The details, read after position `at`, once a package (for `version`, if given) is ready."""
    seen: dict[str, Any] = {}

    async def ready() -> bool:
        seen.update(await details(http, account, custom_client_id, at))
        assert seen["status"] != "failed", seen
        return seen["status"] == "ready" and version in (None, seen["version"])
    await eventually(ready, what=f"custom client {custom_client_id} to be built")
    return seen


def public_path(view: dict[str, Any]) -> str:
    return "/d/" + view["public_url"].rpartition("/d/")[2]


def unpacked(package: bytes, public_key: str) -> dict[str, Any]:
    """The manifest of a package whose signature and digests are verified (raises if any does not hold)."""
    archive = zipfile.ZipFile(io.BytesIO(package))
    sums = archive.read("SHA256SUMS")
    Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(archive.read("SHA256SUMS.sig"), sums)
    listed = dict(reversed(line.split("  ", 1)) for line in sums.decode().splitlines())
    assert set(listed) == set(archive.namelist()) - {"SHA256SUMS", "SHA256SUMS.sig"}
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    return json.loads(archive.read("manifest.json"))


async def history(http: httpx.AsyncClient, account: Account, custom_client_id: str) -> list[dict[str, Any]]:
    """The custom client's events from the event store, as the owner may read them."""
    response = await http.get(f"/v1/accounts/{account.account_id}/history", params={"limit": 500},
                              headers=account.auth)
    assert response.status_code == 200, response.text
    return [e for e in response.json() if e["event"]["aggregate_id"] == custom_client_id]


async def custom_client(http: httpx.AsyncClient, account: Account) -> tuple[str, str]:
    """A public custom client of the account (upgraded to a tier that has them): its id and link token."""
    await command(http, account, "POST", "/v1/license/upgrade", {"product": "performance"})
    response = await http.post("/v1/files", json=CUSTOM_CLIENT, headers=account.auth)
    assert response.status_code == 201, response.text
    custom_client_id = response.json()["custom_client_id"]
    shown = await http.get(f"/v1/files/{custom_client_id}",
                           headers={**account.auth, "X-Min-Position": str(response.json()["position"])})
    return custom_client_id, shown.json()["public_url"].rpartition("/d/")[2]
