"""What a new user trips over, one fault of a kind answered one way: partial changes change only what is sent,
a password must change when it is changed, a missing parameter is named, and one reads one's own writes without
sending `X-Min-Position`."""

import asyncio

from tests.e2e.api import PASSWORD, command, license_tab, problem, sign_up
from tests.e2e.people import staff_member


async def test_patching_the_contact_changes_only_the_fields_sent(http, account):
    full = {"name": "Ann Example", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
            "country": "DE", "phone": "+49 30 123456"}
    await command(http, account, "PUT", "/v1/account/contact", full)

    at = await command(http, account, "PATCH", "/v1/account/contact", {"phone": "+49 30 654321"})

    assert (await license_tab(http, account, at))["contact"] == {**full, "phone": "+49 30 654321"}


async def test_an_empty_contact_patch_is_refused(http, account):
    problem(await http.patch("/v1/account/contact", json={}, headers=account.auth), 422, field="body")


async def test_changing_the_password_to_the_current_one_is_refused(http, account):
    response = await http.post("/v1/auth/password", json={"current_password": PASSWORD, "new_password": PASSWORD},
                               headers=account.auth)

    problem(response, 422, field="new_password")


async def test_a_missing_required_parameter_is_a_422_naming_it(http, settings):
    admin = await staff_member(http, settings, "administrator")

    response = await http.get("/v1/admin/email", headers=admin.auth)

    problem(response, 422, field="to")


async def test_a_new_users_first_license_tab_answers_at_once_without_a_header(http):
    """Twenty sign-ups at once, each reading its License tab right away: the gateway remembers each new token's
    write and waits for it, so none answers "being prepared"."""
    accounts = await asyncio.gather(*(sign_up(http) for _ in range(20)))

    answers = await asyncio.gather(*(http.get("/v1/license", headers=a.auth) for a in accounts))

    assert [r.status_code for r in answers] == [200] * 20
    assert [r.json()["account_id"] for r in answers] == [a.account_id for a in accounts]


async def test_a_query_reads_the_callers_own_write_without_a_header(http, account):
    await command(http, account, "PUT", "/v1/account/contact", {"name": "Ann Example", "city": "Köln"})
    for city in ("Berlin", "Hamburg", "München"):
        await command(http, account, "PATCH", "/v1/account/contact", {"city": city})

        assert (await http.get("/v1/license", headers=account.auth)).json()["contact"]["city"] == city


async def test_a_position_sent_is_kept_and_a_failed_command_is_not_remembered(http, account):
    problem(await http.patch("/v1/account/contact", json={}, headers=account.auth), 422, field="body")
    assert (await http.get("/v1/license", headers=account.auth)).status_code == 200

    response = await http.get("/v1/license", headers={**account.auth, "X-Min-Position": str(2**62)})

    problem(response, 422, field="X-Min-Position")  # the caller's own header, not its last write
