"""The Files tab on real servers: a custom client is built by the builder role, downloaded privately and
publicly, verified, enrolls a device, gets a new link, and is rebuilt once for a new software release."""

import hashlib
from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.e2e.api import PASSWORD, Account
from tests.e2e.devices import new_client_id
from tests.e2e.files import gateway  # noqa: F401  (this module's stack runs the builder)
from tests.e2e.files import SETTINGS, built, create, details, history, performance_account, public_path, unpacked
from workers.config import Settings
from workers.staff import add_staff

@pytest.fixture(scope="module")
async def owner(gateway: str) -> Account:
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        return await performance_account(http)


@pytest.fixture(scope="module")
async def ready(gateway: str, owner: Account) -> dict[str, Any]:
    """One custom client, built."""
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        return await built(http, owner, *await create(http, owner))


async def test_the_list_shows_the_built_custom_client_and_the_documentation(http, owner, ready):
    response = await http.get("/v1/files", headers=owner.auth)

    assert response.status_code == 200, response.text
    item = next(i for i in response.json()["items"] if i["custom_client_id"] == ready["custom_client_id"])
    assert (item["name"], item["platform"], item["status"]) == ("Front desk", "windows", "ready")
    assert item["download_url"] == f"/v1/files/{ready['custom_client_id']}/download"
    assert {d["url"] for d in response.json()["documentation"]} >= {"/schema/swagger", "/v1/events/schema"}


async def test_the_details_show_every_setting_and_the_build(owner, ready):
    assert {k: ready[k] for k in SETTINGS} == SETTINGS
    assert ready["version"] == ready["current_version"]
    assert ready["prefix"] == f"ad_{owner.customer_number}"
    assert ready["size"] > 0 and len(ready["sha256"]) == 64 and ready["built_at"]
    assert ready["enrollment_secret"] and ready["public_url"]


async def test_the_private_download_is_the_signed_package(http, owner, ready):
    response = await http.get(f"/v1/files/{ready['custom_client_id']}/download", headers=owner.auth)
    key = (await http.get("/v1/files/signing-key")).json()["public_key"]

    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == f'"{ready["sha256"]}"'
    assert hashlib.sha256(response.content).hexdigest() == ready["sha256"]
    assert int(response.headers["Content-Length"]) == ready["size"] == len(response.content)
    assert 'filename="Acme Support-windows.zip"' in response.headers["Content-Disposition"]
    manifest = unpacked(response.content, key)
    assert {k: manifest[k] for k in SETTINGS if k != "public"} == {k: v for k, v in SETTINGS.items() if k != "public"}
    assert (manifest["version"], manifest["custom_client_id"]) == (ready["version"], ready["custom_client_id"])
    binding = manifest["binding"]
    assert (binding["account_id"], binding["prefix"], binding["enrollment_secret"]) == (
        owner.account_id, ready["prefix"], ready["enrollment_secret"])


async def test_the_public_link_serves_the_same_package_to_anyone(http, ready):
    response = await http.get(public_path(ready))

    assert response.status_code == 200, response.text
    assert hashlib.sha256(response.content).hexdigest() == ready["sha256"]


async def test_a_range_request_answers_that_part(http, owner, ready):
    whole = (await http.get(public_path(ready))).content

    part = await http.get(public_path(ready), headers={"Range": "bytes=10-29"})
    beyond = await http.get(public_path(ready), headers={"Range": f"bytes={len(whole)}-"})

    assert part.status_code == 206 and part.content == whole[10:30]
    assert part.headers["Content-Range"] == f"bytes 10-29/{len(whole)}"
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(whole)}"


async def test_downloads_are_counted(http, owner, ready):
    before = (await details(http, owner, ready["custom_client_id"]))["downloads"]

    await http.get(f"/v1/files/{ready['custom_client_id']}/download", headers=owner.auth)

    assert (await details(http, owner, ready["custom_client_id"]))["downloads"] == before + 1


async def test_a_device_registers_with_the_enrollment_secret(http, owner, ready):
    client_id = new_client_id()

    response = await http.post("/v1/device/register", headers={"X-Enrollment-Secret": ready["enrollment_secret"]},
                               json={"client_id": client_id, "version": ready["version"], "platform": "windows"})

    assert response.status_code == 200, response.text
    shown = await http.get(f"/v1/clients/{client_id}",
                           headers={**owner.auth, "X-Min-Position": str(response.json()["position"])})
    assert shown.status_code == 200, shown.text


async def test_a_new_public_link_revokes_the_old_link_and_secret_at_once(http, owner):
    custom_client_id, position = await create(http, owner)
    old = await built(http, owner, custom_client_id, position)

    response = await http.post(f"/v1/files/{custom_client_id}/public-link", headers=owner.auth)

    assert response.status_code == 200 and response.headers["X-Event-Position"]
    assert (await http.get(public_path(old))).status_code == 404
    registering = await http.post("/v1/device/register", headers={"X-Enrollment-Secret": old["enrollment_secret"]},
                                  json={"client_id": new_client_id(), "version": "1.0", "platform": "windows"})
    assert registering.status_code == 401, registering.text
    new = await built(http, owner, custom_client_id, response.json()["position"])
    assert new["public_url"] != old["public_url"] and new["sha256"] != old["sha256"]
    assert (await http.get(public_path(new))).status_code == 200


async def test_switching_to_private_closes_the_public_link(http, owner):
    custom_client_id, position = await create(http, owner)
    view = await built(http, owner, custom_client_id, position)

    response = await http.patch(f"/v1/files/{custom_client_id}", json={"public": False}, headers=owner.auth)

    assert response.status_code == 200, response.text
    assert (await http.get(public_path(view))).status_code == 404
    assert (await http.get(f"/v1/files/{custom_client_id}/download", headers=owner.auth)).status_code == 200


async def test_a_release_rebuilds_each_custom_client_of_the_platform_once(http, owner, settings: Settings):
    custom_client_id, position = await create(http, owner, platform="linux-deb", program_name="acme-support")
    first = await built(http, owner, custom_client_id, position)
    email = f"{uuid4().hex}@staff.test"
    add_staff(settings, email, "Release Manager", "administrator", PASSWORD)
    token = (await http.post("/v1/auth/login", json={"email": email, "password": PASSWORD})).json()["token"]
    major, minor, patch = map(int, first["current_version"].split("."))
    version = f"{major}.{minor}.{patch + 1}"

    response = await http.post("/v1/admin/releases", json={"platform": "linux-deb", "version": version},
                               headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200, response.text
    released_at = response.json()["position"]
    assert (await details(http, owner, custom_client_id, released_at))["current_version"] == version
    rebuilt = await built(http, owner, custom_client_id, released_at, version)
    assert rebuilt["sha256"] != first["sha256"]
    events = await history(http, owner, custom_client_id)
    assert [e["event"]["release"] for e in events if e["kind"] == "CustomClientRebuildRequested"] == [version]
    assert [e["event"]["version"] for e in events if e["kind"] == "CustomClientBuilt"] == [first["version"], version]


async def test_deleting_revokes_links_and_frees_the_slot(http, owner):
    custom_client_id, position = await create(http, owner)
    view = await built(http, owner, custom_client_id, position)

    response = await http.delete(f"/v1/files/{custom_client_id}", headers=owner.auth)

    assert response.status_code == 200, response.text
    assert (await http.get(public_path(view))).status_code == 404
    assert (await http.get(f"/v1/files/{custom_client_id}", headers=owner.auth)).status_code == 404
    items = (await http.get("/v1/files", headers=owner.auth)).json()["items"]
    assert custom_client_id not in {i["custom_client_id"] for i in items}
