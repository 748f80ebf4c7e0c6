"""The Settings tab through HTTP: an invalid value is a 422 naming its field, like every other bad value."""

import pytest

from tests.e2e.api import problem


@pytest.mark.parametrize("change, field", [({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
                                           ({"language": "tlh"}, "language"),
                                           ({"csv_date_format": "yyyy"}, "csv_date_format")])
async def test_an_unknown_setting_value_is_a_422_naming_the_field(http, account, change, field):
    response = await http.patch("/v1/settings", json=change, headers=account.auth)

    problem(response, 422, field=field)
    assert (await http.get("/v1/settings", headers=account.auth)).json()[field] != change[field]


async def test_problems_speak_the_accounts_language(http, account):
    await http.patch("/v1/settings", json={"language": "de"}, headers=account.auth)

    response = await http.get("/v1/clients/000000000", headers=account.auth)

    assert problem(response, 404)["title"] == "Nicht gefunden"


async def test_without_an_account_problems_follow_accept_language(http):
    response = await http.post("/v1/auth/login", json={"email": "nobody@example.com"},
                               headers={"Accept-Language": "it;q=0.9, fr-CA;q=0.8, en;q=0.1"})

    assert problem(response, 422)["title"] == "Données invalides"


async def test_the_settings_show_a_change_as_soon_as_it_is_answered(http, account):
    await http.patch("/v1/settings", json={"time_zone": "Asia/Tokyo"}, headers=account.auth)

    assert (await http.get("/v1/settings", headers=account.auth)).json()["time_zone"] == "Asia/Tokyo"
