"""Internal services and live frontends through HTTP: the event contract as JSON Schema, and the account's
own events as Server-Sent Events, resumable with Last-Event-ID."""

import asyncio
import json

from domain.contract import EVENT_TYPES
from tests.e2e.api import command, license_tab, problem, sign_up


async def sse(http, account, last_event_id: int, until: int) -> list[tuple[int, dict]]:
    """(id, data) of each event the stream sends, up to the one at position `until`."""
    received: list[tuple[int, dict]] = []
    headers = {**account.auth, "Last-Event-ID": str(last_event_id)}
    async with asyncio.timeout(30), http.stream("GET", "/v1/events/stream", headers=headers) as response:
        assert response.status_code == 200
        event_id = None
        async for line in response.aiter_lines():
            if line.startswith("id:"):
                event_id = int(line.removeprefix("id:").strip())
            elif line.startswith("data:"):
                received.append((event_id, json.loads(line.removeprefix("data:"))))
                if event_id >= until:
                    return received
    raise AssertionError("the stream ended early")


async def test_the_schema_covers_every_event_type_with_its_subject(http):
    schema = (await http.get("/v1/events/schema")).json()

    assert set(schema["events"]) == set(EVENT_TYPES)
    upgraded = schema["events"]["LicenseUpgraded"]
    assert upgraded["subject"] == "portal.evt.{account_id}.license.LicenseUpgraded"
    assert "product" in schema["$defs"]["LicenseUpgraded"]["properties"]


async def test_the_stream_sends_only_the_callers_own_events(http, account):
    other = await sign_up(http)
    await command(http, other, "POST", "/v1/license/key/reset")
    last = await command(http, account, "POST", "/v1/license/key/reset")

    received = await sse(http, account, 0, last)

    assert {data["account_id"] for _, data in received} == {account.account_id}
    assert [i for i, _ in received] == sorted(i for i, _ in received)


async def test_the_stream_shows_license_keys_only_as_fingerprints(http, account):
    first = (await license_tab(http, account, account.position))["license_key"]
    last = await command(http, account, "POST", "/v1/license/key/reset")
    second = (await license_tab(http, account, last))["license_key"]

    received = json.dumps(await sse(http, account, 0, last))

    assert first not in received and second not in received
    assert '"key_fingerprint"' in received


async def test_the_stream_resumes_after_the_last_event_id(http, account):
    last = await command(http, account, "POST", "/v1/license/key/reset")

    received = await sse(http, account, account.position, last)

    assert min(i for i, _ in received) > account.position
    assert received[-1][0] == last


async def test_the_stream_needs_a_login(http):
    problem(await http.get("/v1/events/stream"), 401)
