"""Auditors through HTTP: the audit trail (who, from where, filters, pages, CSV), its chain check, and the
account's history, state as of a moment, and the diff of two moments."""

import csv
import io
from uuid import UUID, uuid4

from domain.history import fingerprint
from tests.e2e.api import command, license_tab, problem, sign_up


async def trail(http, account, at: int, **params) -> dict:
    response = await http.get("/v1/audit", params=params, headers={**account.auth, "X-Min-Position": str(at)})
    assert response.status_code == 200, response.text
    return response.json()


async def test_each_command_shows_in_the_trail_with_who_from_where_and_its_request_id(http, account):
    request_id = uuid4().hex
    response = await http.post("/v1/license/upgrade", json={"product": "lite"},
                               headers={**account.auth, "X-Request-ID": request_id, "User-Agent": "audit-test/1"})

    entries = (await trail(http, account, response.json()["position"], request_id=request_id))["entries"]

    kinds = [e["kind"] for e in entries]  # the upgrade, and the invoice it issued and announced
    assert (kinds[0], kinds[-1], "InvoiceIssued" in kinds) == ("LicenseUpgraded", "EmailQueued", True)
    assert entries[0]["summary"] == "License upgraded to lite"
    assert {e["actor"]["request_id"] for e in entries} == {request_id}
    actor = entries[0]["actor"]
    assert (actor["name"], actor["role"], actor["user_agent"], actor["request_id"]) == (
        account.email, "owner", "audit-test/1", request_id)
    assert actor["address"]


async def test_no_audit_view_shows_a_license_key_only_its_fingerprint(http, pool, account):
    first = (await license_tab(http, account, account.position))["license_key"]
    at = await command(http, account, "POST", "/v1/license/key/reset")
    second = (await license_tab(http, account, at))["license_key"]
    base = f"/v1/accounts/{account.account_id}"

    shown = [await trail(http, account, at), *[(await http.get(url, params=params, headers=account.auth)).text for
             url, params in ((f"{base}/history", {}), (f"{base}/state", {"as_of": account.position}),
                             (f"{base}/diff", {"from": account.position, "to": at}))]]
    stored = await pool.fetch("SELECT body::text FROM audit_trail WHERE account_id = $1", UUID(account.account_id))

    everything = " ".join(map(str, shown + [r["body"] for r in stored]))
    assert first not in everything and second not in everything
    assert fingerprint(first) in str(shown[0]) and fingerprint(second) in shown[1]


async def test_pages_follow_one_another_without_gaps_or_repeats(http, account):
    at = await command(http, account, "POST", "/v1/license/key/reset")
    everything = [e["position"] for e in (await trail(http, account, at))["entries"]]

    seen, after = [], 0
    while after is not None:
        page = await trail(http, account, at, after=after, limit=2)
        seen += [e["position"] for e in page["entries"]]
        after = page["next_after"]

    assert seen == everything and len(everything) > 2


async def test_the_csv_export_neutralises_spreadsheet_formulas(http, account):
    response = await http.post("/v1/license/key/reset", headers={**account.auth, "User-Agent": "=HYPERLINK(1)"})
    await trail(http, account, response.json()["position"])

    export = await http.get("/v1/audit/export", params={"kind": "LicenseKeyReset"}, headers=account.auth)

    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [r["user_agent"] for r in rows] == ["'=HYPERLINK(1)"]


async def test_the_chain_of_an_untouched_account_verifies(http, account):
    at = await command(http, account, "POST", "/v1/license/key/reset")
    await trail(http, account, at)

    report = (await http.get("/v1/audit/verify", headers=account.auth)).json()

    assert report["intact"] is True and report["first_break"] is None and report["checked"] >= 5


async def test_the_history_lists_the_accounts_events_in_order(http, account):
    await command(http, account, "POST", "/v1/license/upgrade", {"product": "lite"})

    response = await http.get(f"/v1/accounts/{account.account_id}/history", headers=account.auth)

    kinds = [e["kind"] for e in response.json()]
    assert kinds[0] == "AccountOpened" and kinds.index("LicenseUpgraded") < kinds.index("InvoiceIssued")
    assert {e["event"]["account_id"] for e in response.json()} == {account.account_id}


async def test_the_state_as_of_a_position_before_an_upgrade_shows_the_old_license(http, account):
    await command(http, account, "POST", "/v1/license/upgrade", {"product": "professional"})
    url = f"/v1/accounts/{account.account_id}/state"

    then = (await http.get(url, params={"as_of": account.position}, headers=account.auth)).json()
    now = (await http.get(url, headers=account.auth)).json()

    assert (then["license"]["product"], now["license"]["product"]) == ("free", "professional")
    assert now["license"]["limits"]["max_aliases"] == 100


async def test_two_moments_give_the_diff(http, account):
    at = await command(http, account, "POST", "/v1/license/upgrade", {"product": "lite"})

    response = await http.get(f"/v1/accounts/{account.account_id}/diff",
                              params={"from": account.position, "to": at}, headers=account.auth)

    fields = {c["field"] for c in response.json()["changes"]}
    assert {"license.product", "license.expires_at", "license.limits.max_clients"} <= fields


async def test_a_diff_from_a_later_moment_to_an_earlier_one_is_refused(http, account):
    at = await command(http, account, "POST", "/v1/license/upgrade", {"product": "lite"})

    response = await http.get(f"/v1/accounts/{account.account_id}/diff",
                              params={"from": at, "to": account.position}, headers=account.auth)

    problem(response, 422, field="from")


async def test_the_csv_export_waits_for_the_callers_own_write(http, account):
    at = await command(http, account, "POST", "/v1/license/key/reset")

    export = await http.get("/v1/audit/export", headers={**account.auth, "X-Min-Position": str(at)})

    rows = csv.DictReader(io.StringIO(export.text.lstrip("\ufeff")))
    assert [row["position"] for row in rows][-1] == str(at)


async def test_an_as_of_that_is_not_a_position_or_zoned_time_is_refused(http, account):
    response = await http.get(f"/v1/accounts/{account.account_id}/state", params={"as_of": "last tuesday"},
                              headers=account.auth)

    problem(response, 422, field="as_of")


async def test_another_accounts_history_is_not_found(http, account):
    other = await sign_up(http)

    for view in ("history", "state"):
        problem(await http.get(f"/v1/accounts/{other.account_id}/{view}", headers=account.auth), 404)


async def test_the_audit_views_need_a_login(http, account):
    for url in ("/v1/audit", "/v1/audit/verify", "/v1/audit/export", f"/v1/accounts/{account.account_id}/state"):
        problem(await http.get(url), 401)
