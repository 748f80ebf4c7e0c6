"""A gateway killed while its writer runs batches loses no command it acknowledged: a command is answered only
after the transaction holding it committed."""

import asyncio
from uuid import uuid4

import httpx

from domain.application import Portal
from tests.support import Roles, eventually
from workers.embedded import free_port

LOOPS = 32  # clients registering at once, so that batches hold many commands


async def test_every_registration_a_killed_gateway_acknowledged_is_stored(portal: Portal, roles: Roles) -> None:
    account_id, _, _ = portal.open_account(f"{uuid4().hex}@kill.test", "Kill", "not-a-hash")
    portal.upgrade_license(account_id, "enterprise")
    key = portal.license(account_id).key
    port = free_port()
    gateway = roles.start("gateway", "--port", str(port))
    acknowledged: dict[str, int] = {}

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                 limits=httpx.Limits(max_connections=LOOPS)) as http:
        async def answers() -> bool:
            try:
                return (await http.get("/health")).status_code < 500
            except httpx.TransportError:
                return False

        async def register_until_killed() -> None:
            while True:
                client_id = str(1_000_000_000 + uuid4().int % 8_999_999_999)
                try:
                    answer = await http.post("/v1/device/register", headers={"X-License-Key": key}, json={
                        "client_id": client_id, "version": "9.0.1", "platform": "windows"})
                except httpx.TransportError:
                    return
                if answer.status_code == 200:
                    acknowledged[client_id] = answer.json()["position"]

        async def enough() -> bool:
            return len(acknowledged) >= 200

        await eventually(answers, what="the gateway to answer")
        loops = [asyncio.create_task(register_until_killed()) for _ in range(LOOPS)]
        await eventually(enough, timeout=60, what="200 acknowledged registrations")
        roles.kill(gateway)  # SIGKILL while requests are in flight, so mid-batch
        await asyncio.gather(*loops)

    assert set(acknowledged) <= set(portal.usage(account_id).linked)
    stored = {n.id for n in portal.recorder.select_notifications(min(acknowledged.values()),
                                                                 max(acknowledged.values()))}
    assert set(acknowledged.values()) <= stored
