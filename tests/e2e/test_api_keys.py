"""API keys through HTTP: created by the owner and shown once, scoped read-only or read-write, revocable, and
refused while an administrator has the account's API access switched off."""

from dataclasses import dataclass

import pytest

from tests.e2e.api import Account, license_tab, problem, sign_up
from tests.e2e.devices import device_of
from tests.e2e.people import bearer, logged_in, staff_member

OWNER_ONLY = [
    ("GET", "/v1/users", None),
    ("POST", "/v1/api-keys", {"name": "another", "scope": "write"}),
    ("GET", "/v1/api-keys", None),
    ("POST", "/v1/license/upgrade", {"product": "professional"}),
    ("PATCH", "/v1/settings", {"language": "de"}),
    ("PUT", "/v1/account/contact", {"name": "A Key"}),
]


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: str
    position: int

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.secret)


async def create_key(http, account: Account, scope: str, name: str = "backup script") -> Key:
    response = await http.post("/v1/api-keys", json={"name": name, "scope": scope}, headers=account.auth)
    assert response.status_code == 201, response.text
    body = response.json()
    return Key(body["key_id"], body["api_key"], body["position"])


@pytest.fixture
async def read_key(http, account: Account) -> Key:
    return await create_key(http, account, "read")


@pytest.fixture
async def write_key(http, account: Account) -> Key:
    return await create_key(http, account, "write")


@pytest.fixture
async def client_id(http, account: Account) -> str:
    client_id, _ = await (await device_of(http, account)).register()
    return client_id


async def test_a_created_key_is_listed_without_its_secret(http, account: Account):
    key = await create_key(http, account, "read", "nightly export")

    response = await http.get("/v1/api-keys", headers={**account.auth, "X-Min-Position": str(key.position)})

    assert response.status_code == 200, response.text
    [listed] = response.json()
    assert (listed["key_id"], listed["name"], listed["scope"]) == (key.key_id, "nightly export", "read")
    assert key.secret not in response.text
    assert key.secret.startswith(listed["prefix"])


async def test_a_read_key_reads_the_account(http, account: Account, read_key: Key):
    tab = await license_tab(http, read_key, account.position)  # type: ignore[arg-type]

    assert tab["account_id"] == account.account_id


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/v1/license/upgrade", {"product": "professional"}),
    ("PATCH", "/v1/clients/{client_id}", {"comment": "from a read key"}),
    ("DELETE", "/v1/clients/{client_id}", None),
], ids=["POST", "PATCH", "DELETE"])
async def test_a_read_key_may_not_change_anything(http, read_key: Key, client_id: str, method: str, path: str, body):
    response = await http.request(method, path.format(client_id=client_id), json=body, headers=read_key.auth)

    assert problem(response, 403)["type"].endswith(":read-only-key")


async def test_a_write_key_operates_the_accounts_clients(http, account: Account, write_key: Key, client_id: str):
    response = await http.patch(f"/v1/clients/{client_id}", json={"comment": "racked in room 4"},
                                headers=write_key.auth)

    assert response.status_code == 200, response.text
    details = await http.get(f"/v1/clients/{client_id}",
                             headers={**write_key.auth, "X-Min-Position": response.headers["X-Event-Position"]})
    assert details.json()["comment"] == "racked in room 4"


@pytest.mark.parametrize(("method", "path", "body"), OWNER_ONLY, ids=[f"{m} {p}" for m, p, _ in OWNER_ONLY])
async def test_a_write_key_may_not_do_what_only_the_owner_may(http, write_key: Key, method: str, path: str, body):
    response = await http.request(method, path, json=body, headers=write_key.auth)

    problem(response, 403)


async def test_a_key_may_not_change_login_settings(http, write_key: Key):
    response = await http.post("/v1/auth/password", json={"current_password": "x", "new_password": "y"},
                               headers=write_key.auth)

    problem(response, 403)


async def test_a_revoked_key_is_refused_at_once(http, account: Account, write_key: Key):
    response = await http.delete(f"/v1/api-keys/{write_key.key_id}", headers=account.auth)

    assert response.status_code == 200, response.text
    problem(await http.get("/v1/license", headers=write_key.auth), 401)


async def test_a_revoked_key_is_no_longer_listed(http, account: Account, read_key: Key):
    revoked = await http.delete(f"/v1/api-keys/{read_key.key_id}", headers=account.auth)

    listed = await http.get("/v1/api-keys",
                            headers={**account.auth, "X-Min-Position": revoked.headers["X-Event-Position"]})

    assert listed.json() == []


async def test_revoking_one_key_leaves_the_others_working(http, account: Account, read_key: Key, write_key: Key):
    await http.delete(f"/v1/api-keys/{read_key.key_id}", headers=account.auth)

    assert (await http.get("/v1/auth/me", headers=write_key.auth)).status_code == 200


async def test_an_owner_cannot_revoke_another_accounts_key(http, account: Account, read_key: Key):
    other = await sign_up(http)

    response = await http.delete(f"/v1/api-keys/{read_key.key_id}", headers=other.auth)

    problem(response, 404)
    assert (await http.get("/v1/auth/me", headers=read_key.auth)).status_code == 200


async def test_switching_api_access_off_refuses_the_keys_but_not_the_owner(http, settings, account: Account,
                                                                           read_key: Key, write_key: Key):
    admin = await staff_member(http, settings, "administrator")

    response = await http.patch(f"/v1/admin/customers/{account.account_id}", json={"api_access": False},
                                headers=admin.auth)

    assert response.status_code == 200, response.text
    problem(await http.get("/v1/auth/me", headers=read_key.auth), 401)
    problem(await http.get("/v1/auth/me", headers=write_key.auth), 401)
    assert (await http.get("/v1/auth/me", headers=account.auth)).status_code == 200


async def test_switching_api_access_on_again_restores_the_keys(http, settings, account: Account, read_key: Key):
    admin = await staff_member(http, settings, "administrator")
    for enabled in (False, True):
        await http.patch(f"/v1/admin/customers/{account.account_id}", json={"api_access": enabled},
                         headers=admin.auth)

    assert (await http.get("/v1/auth/me", headers=read_key.auth)).status_code == 200


async def test_keys_stay_revoked_when_a_switched_off_account_is_switched_on_again(http, settings, account: Account,
                                                                                  read_key: Key):
    admin = await staff_member(http, settings, "administrator")
    for enabled in (False, True):
        response = await http.patch(f"/v1/admin/customers/{account.account_id}", json={"enabled": enabled},
                                    headers=admin.auth)
        assert response.status_code == 200, response.text

    problem(await http.get("/v1/auth/me", headers=read_key.auth), 401)
    owner = await logged_in(http, account.email)  # the account's own sessions ended too: a new login
    listed = await http.get("/v1/api-keys", headers={**owner.auth, "X-Min-Position": str(response.json()["position"])})
    assert read_key.key_id not in [k["key_id"] for k in listed.json()]


async def test_a_key_cannot_log_itself_out_and_stays_listed(http, account: Account, write_key: Key):
    problem(await http.post("/v1/auth/logout", headers=write_key.auth), 403)  # keys are revoked by the owner

    listed = await http.get("/v1/api-keys", headers={**account.auth, "X-Min-Position": str(write_key.position)})

    assert write_key.key_id in [k["key_id"] for k in listed.json()]
    assert (await http.get("/v1/auth/me", headers=write_key.auth)).status_code == 200

