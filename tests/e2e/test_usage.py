"""Usage through HTTP: today's figures from real device sessions, the account's time zone, CSV, the License
tab's peak beside the limit, refusals of a bad range, and the read model equal to its rebuild."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from projections.rebuild import verify
from projections.usage import USAGE
from tests.e2e.api import command, license_tab, problem
from tests.e2e.devices import device_of, export


async def usage(http, account, at: int, **params):
    response = await http.get("/v1/usage", params=params, headers={**account.auth, "X-Min-Position": str(at)})
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def busy_day(http, account) -> int:
    """Two linked clients, one session ended and one still running; answers the last position."""
    device = await device_of(http, account)
    here, _ = await device.register()
    there, _ = await device.register()
    await device.session(here, there)
    _, position = await device.start(there, here)
    return position


async def test_today_counts_the_sessions_clients_and_seats(http, account):
    at = await busy_day(http, account)
    today = datetime.now(UTC).date().isoformat()

    (item,) = await usage(http, account, at, **{"from": today, "to": today})

    assert (item["period"], item["sessions"], item["peak_concurrent_sessions"], item["active_clients"],
            item["seat_days"]) == (today, 2, 1, 2, 2)
    assert item["peak_at"] is not None


async def test_periods_are_days_of_the_accounts_time_zone(http, account):
    zone = "Pacific/Kiritimati"  # UTC+14: its day is another than UTC's for most of the UTC day
    await command(http, account, "PATCH", "/v1/settings", {"time_zone": zone})
    at = await busy_day(http, account)
    today = datetime.now(ZoneInfo(zone)).date()

    (item,) = await usage(http, account, at, **{"from": today.isoformat(), "to": today.isoformat()})

    assert (item["period"], item["sessions"]) == (today.isoformat(), 2)


async def test_months_hold_their_days(http, account):
    at = await busy_day(http, account)
    today = datetime.now(UTC).date()

    items = await usage(http, account, at, **{"from": today.replace(day=1).isoformat(), "to": today.isoformat(),
                                               "granularity": "month"})

    assert [(i["period"], i["sessions"], i["seat_days"]) for i in items] == [(today.strftime("%Y-%m"), 2, 2)]


async def test_usage_exports_as_csv(http, account):
    at = await busy_day(http, account)
    await usage(http, account, at, **{"from": "2026-01-01", "to": "2026-01-01"})  # the view has caught up
    today = datetime.now(UTC).date().isoformat()

    rows = await export(http, account, "/v1/usage.csv", **{"from": today, "to": today})

    assert rows[0][:2] == ["Period", "Peak concurrent sessions"]
    assert (rows[1][0], rows[1][3], rows[1][6]) == (today, "2", "2")


async def test_the_license_tab_shows_this_months_peak_beside_the_limit(http, account):
    at = await busy_day(http, account)
    await usage(http, account, at, **{"from": "2026-01-01", "to": "2026-01-01"})  # the usage view too

    tab = await license_tab(http, account, at)

    assert tab["peak_this_month"]["peak_concurrent_sessions"] == 1
    assert tab["peak_this_month"]["month"] == datetime.now(UTC).strftime("%Y-%m")
    assert tab["limits"]["max_concurrent_sessions"] == 1


async def test_a_range_ending_before_it_starts_is_refused(http, account):
    response = await http.get("/v1/usage", params={"from": "2026-11-02", "to": "2026-11-01"}, headers=account.auth)

    problem(response, 422, "from")


async def test_a_bad_or_missing_day_names_its_parameter(http, account):
    problem(await http.get("/v1/usage", params={"from": "2026-11-31", "to": "2026-12-01"}, headers=account.auth),
            422, "from")
    problem(await http.get("/v1/usage", params={"from": "2026-11-01"}, headers=account.auth), 422, "to")
    problem(await http.get("/v1/usage", params={"from": "2020-01-01", "to": "2026-01-01"}, headers=account.auth),
            422, "to")  # more days than one answer holds
    problem(await http.get("/v1/usage", params={"from": "2026-11-01", "to": "2026-11-01", "granularity": "week"},
                           headers=account.auth), 422, "granularity")


async def test_the_usage_view_equals_its_rebuild_from_the_event_store(http, account, pool, portal):
    await busy_day(http, account)

    assert await verify(pool, portal, USAGE) == []


async def test_the_api_documents_what_each_figure_means(http):
    document = (await http.get("/schema/openapi.json")).json()

    described = document["paths"]["/v1/usage"]["get"]["description"]
    assert all(f"`{name}`" in described for name in ("peak_concurrent_sessions", "peak_at", "sessions",
                                                      "session_minutes", "active_clients", "seat_days"))
