"""What a new user trips over, one fault of a kind answered one way: partial changes change only what is sent,
a password must change when it is changed, a missing parameter is named."""

from tests.e2e.api import PASSWORD, command, license_tab, problem
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
