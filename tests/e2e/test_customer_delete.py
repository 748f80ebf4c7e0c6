"""Permanent delete with crypto-shredding, end to end: after the deletion nothing of the customer's name,
e-mail, phone or address is left in a full dump of the database, in the event stream, nor after rebuilding
every read model; its history and state still replay, with those fields erased, and its audit chain verifies."""

import asyncio
import json
import os
import subprocess
import sys
from uuid import uuid4

import pytest

from projections.positions import READ_MODELS, position
from tests.e2e.api import PASSWORD, problem
from tests.e2e.customers import create_customer
from tests.e2e.people import Person, log_in, logged_in, staff_member
from tests.support import ROOT, eventually, stream_bytes
from workers.embedded import PG_BIN

pytestmark = pytest.mark.slow


@pytest.fixture
async def admin(http, settings) -> Person:
    return await staff_member(http, settings, "administrator")


@pytest.fixture
async def deleted(http, pool, admin: Person) -> dict[str, str]:
    """A customer with a name, e-mail, phone and address, deleted by an administrator; answers those values."""
    tag = uuid4().hex[:12]
    digits = f"{int(tag, 16) % 10**8:08d}"  # a phone of its own: other tests' live customers keep theirs
    personal = {"email": f"{tag}@shred.test", "name": f"Zoë Shredded {tag}",
                "phone": f"+34 6{digits[:2]} {digits[2:5]} {digits[5:]}", "street": f"Calle Olvido {tag}"}
    created = (await create_customer(http, admin.token, email=personal["email"], name=personal["name"],
                                     password=PASSWORD, phone=personal["phone"], welcome_email=False)).json()
    owner = await logged_in(http, personal["email"])
    await http.put("/v1/account/contact", headers=owner.auth, json={
        "name": personal["name"], "street": personal["street"], "city": "Madrid", "phone": personal["phone"]})
    response = await http.delete(f"/v1/admin/customers/{created['account_id']}",
                                 params={"confirm": created["customer_number"]}, headers=admin.auth)
    assert response.status_code == 200, response.text
    await projected(pool, response.json()["position"])
    return {**personal, "account_id": created["account_id"], "customer_number": created["customer_number"]}


async def projected(pool, target: int) -> None:
    async def all_there() -> bool:
        return all([await position(pool, m.name) >= target for m in READ_MODELS])
    await eventually(all_there, timeout=90, what=f"every read model to reach position {target}")


def full_dump(database_url: str) -> bytes:
    return subprocess.run([str(PG_BIN / "pg_dump"), "--dbname", database_url], capture_output=True, check=True,
                          timeout=300).stdout


def leaks(raw: bytes, personal: dict[str, str]) -> list[str]:
    return [k for k in ("email", "name", "phone", "street") if personal[k].encode() in raw]


async def test_deleting_needs_the_customer_number_typed(http, admin: Person):
    created = (await create_customer(http, admin.token)).json()

    response = await http.delete(f"/v1/admin/customers/{created['account_id']}", params={"confirm": "12345678"},
                                 headers=admin.auth)

    problem(response, 409, field="confirm")
    assert (await http.get(f"/v1/admin/customers/{created['account_id']}", headers=admin.auth)).status_code == 200


async def test_a_deleted_customer_is_gone_and_cannot_log_in(http, admin: Person, deleted):
    problem(await http.get(f"/v1/admin/customers/{deleted['account_id']}", headers=admin.auth), 404)
    problem(await log_in(http, deleted["email"]), 401)  # its password hash is erased: it matches nothing


async def test_a_full_dump_of_the_database_holds_nothing_of_the_deleted_customer(settings, deleted):
    raw = await asyncio.to_thread(full_dump, settings.database_url)

    assert leaks(raw, deleted) == []


async def portal_command(settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PORTAL_DATABASE_URL": settings.database_url, "PORTAL_NATS_URL": settings.nats_url,
           "PORTAL_MASTER_KEY": os.environ["PORTAL_MASTER_KEY"], "PORTAL_LOG_LEVEL": "WARNING"}
    return await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "workers.cli", *args],
                                   env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)


async def test_rebuilding_every_read_model_brings_none_of_it_back(settings, pool, deleted):
    checked = await portal_command(settings, "verify", "audit_trail", "customers", "emails", "users")
    assert checked.returncode == 0, checked.stdout + checked.stderr  # what was live equals a rebuild

    done = await portal_command(settings, "rebuild", "--all")
    assert done.returncode == 0, done.stderr

    assert leaks(await asyncio.to_thread(full_dump, settings.database_url), deleted) == []


async def test_its_audit_chain_still_verifies(settings, deleted):
    done = await portal_command(settings, "audit", "verify", "--account", deleted["account_id"])

    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["intact"] and report["checked"] > 3, report


async def test_its_state_still_replays_erased(http, admin: Person, deleted):
    response = await http.get(f"/v1/accounts/{deleted['account_id']}/state", headers=admin.auth)

    assert response.status_code == 200, response.text
    assert deleted["email"] not in response.text and deleted["name"] not in response.text


async def test_its_history_still_replays_with_the_personal_fields_erased(http, admin: Person, deleted):
    response = await http.get(f"/v1/accounts/{deleted['account_id']}/history", headers=admin.auth)

    assert response.status_code == 200, response.text
    opened = next(e for e in response.json() if e["kind"] == "AccountOpened")
    assert (opened["event"]["email"], opened["event"]["name"]) == ("[erased]", "[erased]")
    assert response.json()[-1]["kind"] == "AccountDeleted"


async def test_the_event_stream_holds_nothing_of_the_deleted_customer(settings, deleted):
    assert leaks(await stream_bytes(settings.nats_url), deleted) == []
