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
