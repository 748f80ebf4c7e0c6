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


async def test_a_problems_detail_speaks_the_accounts_language_with_its_values(http, account):
    await http.patch("/v1/settings", json={"language": "es"}, headers=account.auth)

    unknown = await http.get("/v1/clients/000000000", headers=account.auth)
    zone = await http.patch("/v1/settings", json={"time_zone": "Mars/Olympus_Mons"}, headers=account.auth)

    assert problem(unknown, 404)["detail"] == "No existe ese cliente"
    assert problem(zone, 422, field="time_zone")["detail"] == \
        "Zona horaria desconocida 'Mars/Olympus_Mons' (use un nombre IANA, p. ej. Europe/Madrid)"


async def test_field_errors_speak_the_language_of_accept_language(http):
    response = await http.post("/v1/signup", json={"email": "not-an-email", "password": "x" * 12, "name": "Ann"},
                               headers={"Accept-Language": "de"})

    body = problem(response, 422, field="email")
    assert body["errors"][0]["message"].startswith("eine E-Mail-Adresse wie ann@example.com")
    assert body["detail"].startswith("email: eine E-Mail-Adresse wie ann@example.com")


async def test_a_missing_parameter_is_named_in_the_callers_language(http, account):
    await http.patch("/v1/settings", json={"language": "fr"}, headers=account.auth)

    response = await http.get(f"/v1/accounts/{account.account_id}/diff?to=1", headers=account.auth)

    assert problem(response, 422, field="from")["detail"] == "from : ce paramètre de requête est obligatoire"


async def test_an_english_caller_reads_the_english_source(http, account):
    response = await http.get("/v1/clients/000000000", headers=account.auth)

    assert problem(response, 404)["detail"] == "No such client"


async def test_the_settings_show_a_change_as_soon_as_it_is_answered(http, account):
    await http.patch("/v1/settings", json={"time_zone": "Asia/Tokyo"}, headers=account.auth)

    assert (await http.get("/v1/settings", headers=account.auth)).json()["time_zone"] == "Asia/Tokyo"
