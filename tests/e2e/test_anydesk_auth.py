"""The AnyDesk-compatible API's signatures through HTTP: what is signed (raw path and query, bare flags, the
body's hash), and each refusal in AnyDesk's error shape: wrong password, stale timestamp, replay, a body that
does not match its hash, switched-off API access. The owner's password route and the License tab's id."""

import time

import pytest

from gateway.sealing import Sealer, new_key
from tests.e2e.anydesk import AnyDesk, anydesk_of, api_password, refusal, sign
from tests.e2e.api import Account, license_tab, problem
from tests.e2e.devices import device_of
from tests.e2e.people import staff_member

AUTH_FIELDS = {"code", "error", "method", "resource", "request-time", "content-hash"}
EMPTY_BODY_HASH = "2jmj7l5rSw0yVb/vlWAYkK/YBwk="


@pytest.fixture
async def api(http, account: Account) -> AnyDesk:
    return await anydesk_of(http, account)


def test_the_test_client_signs_the_published_test_vector():
    assert sign("UYETICGU2CT3KES", "GET", "/auth", "1445440997", b"") == "T2YsCOj2o3Rb79nLPUgx3Gl+nnw="


async def test_a_signed_request_answers_success_and_the_license_id(api: AnyDesk):
    assert await api.get("/auth") == {"result": "success", "license-id": api.license_id}


async def test_the_password_answer_is_never_cached(http, account: Account):
    response = await http.post("/v1/license/api-password", headers=account.auth)

    assert response.headers["Cache-Control"] == "no-store"


async def test_the_license_tab_shows_the_api_license_id(http, account: Account, api: AnyDesk):
    assert (await license_tab(http, account, account.position))["api_license_id"] == api.license_id


async def test_a_raw_query_string_is_signed_as_sent(api: AnyDesk):
    body = await api.get("/sessions?direction=in&limit=10")

    assert (body["limit"], body["list"]) == (10, [])


async def test_a_bare_flag_is_signed_as_sent(api: AnyDesk):
    assert (await api.get("/clients?online"))["online"] is True


async def test_a_percent_encoded_query_is_signed_undecoded(api: AnyDesk):
    assert (await api.get("/clients?filter=%40ad"))["count"] == 0


async def test_a_body_is_signed_by_its_hash(http, account: Account, api: AnyDesk):
    client_id, _ = await (await device_of(http, account)).register()

    response = await api.request("PATCH", f"/clients/{client_id}", {"comment": "signed"})

    assert response.status_code == 204, response.text


async def test_a_wrong_password_is_refused(api: AnyDesk):
    body = refusal(await api.request("GET", "/auth", password="WRONGPASSWORD1"), 401, "invalid_token")

    assert body.keys() == AUTH_FIELDS
    assert (body["method"], body["resource"], body["content-hash"]) == ("GET", "/auth", EMPTY_BODY_HASH)


async def test_a_password_reset_replaces_the_old_one(http, account: Account, api: AnyDesk):
    _, new_password = await api_password(http, account)

    refusal(await api.request("GET", "/auth"), 401, "invalid_token")
    assert await AnyDesk(http, api.license_id, new_password).get("/auth")


async def test_an_unknown_license_is_refused_like_a_wrong_password(http, api: AnyDesk):
    stranger = AnyDesk(http, "9" * 16, api.password)

    refusal(await stranger.request("GET", "/auth"), 401, "invalid_token")


@pytest.mark.parametrize("offset", [-301, 301])
async def test_a_timestamp_more_than_five_minutes_off_is_refused(api: AnyDesk, offset: int):
    stamp = int(time.time()) + offset

    body = refusal(await api.request("GET", "/auth", timestamp=stamp), 401, "invalid_timestamp")

    assert body["request-time"] == str(stamp)


async def test_a_replayed_request_is_refused(api: AnyDesk):
    stamp = api.timestamp()
    assert (await api.request("GET", "/auth", timestamp=stamp)).status_code == 200

    refusal(await api.request("GET", "/auth", timestamp=stamp), 401, "replayed_request")


async def test_a_body_that_does_not_match_its_hash_is_refused(http, account: Account, api: AnyDesk):
    client_id, _ = await (await device_of(http, account)).register()

    response = await api.request("PATCH", f"/clients/{client_id}", {"comment": "sent"},
                                 signed_body=b'{"comment": "signed"}')

    body = refusal(response, 401, "invalid_token")
    assert body["content-hash"] != EMPTY_BODY_HASH


async def test_a_password_sealed_under_another_key_must_be_reset(pool, api: AnyDesk):
    resealed = Sealer(new_key()).seal(api.password, api.license_id)
    await pool.execute("UPDATE anydesk_credentials SET sealed_password = $2 WHERE license_id = $1", api.license_id,
                       resealed)

    body = refusal(await api.request("GET", "/auth"), 401, "invalid_token")

    assert "reset" in body["error"]


async def test_credentials_are_checked_before_the_body(api: AnyDesk):
    response = await api.request("PATCH", "/clients/123456789", {"comment": "x"}, password="WRONGPASSWORD1")

    refusal(response, 401, "invalid_token")


async def test_a_bearer_token_is_not_a_signature(http, account: Account):
    refusal(await http.get("/anydesk/auth", headers=account.auth), 401, "invalid_authorization")


async def switch_off(http, settings, account: Account, switch: str) -> None:
    """An administrator switches the account (`enabled`) or its API access (`api-access`) off."""
    admin = await staff_member(http, settings, "administrator")
    field = {"enabled": "enabled", "api-access": "api_access"}[switch]
    response = await http.patch(f"/v1/admin/customers/{account.account_id}", json={field: False},
                                headers=admin.auth)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("switch", "code"), [("api-access", "api_access_disabled"), ("enabled", "account_disabled")])
async def test_switching_off_the_account_or_its_api_access_refuses_at_once(http, settings, account: Account,
                                                                          api: AnyDesk, switch: str, code: str):
    await switch_off(http, settings, account, switch)

    refusal(await api.request("GET", "/auth"), 403, code)


async def test_no_password_is_issued_while_api_access_is_off(http, settings, account: Account):
    await switch_off(http, settings, account, "api-access")

    problem(await http.post("/v1/license/api-password", headers=account.auth), 409)


async def test_the_password_is_nowhere_in_the_audit_trail_or_history(http, account: Account):
    created = (await http.post("/v1/license/api-password", headers=account.auth)).json()

    audit = await http.get("/v1/audit", params={"kind": "AnyDeskApiPasswordSet"},
                           headers={**account.auth, "X-Min-Position": str(created["position"])})
    history = await http.get(f"/v1/accounts/{account.account_id}/history", headers=account.auth)

    assert [(e["kind"], e["summary"]) for e in audit.json()["entries"]] == [
        ("AnyDeskApiPasswordSet", "AnyDesk API password set")]
    assert history.status_code == 200, history.text
    assert created["api_password"] not in audit.text + history.text
