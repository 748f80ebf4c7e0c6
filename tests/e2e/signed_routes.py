"""The routes of the AnyDesk-compatible API in the authorization matrix: authenticated by a request signature,
not by a role."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tests.e2e.api import license_tab
from tests.e2e.devices import Device, new_client_id
from tests.e2e.world import World


@dataclass(frozen=True)
class Signed:
    """A route of the AnyDesk-compatible API: authenticated by its request signature (license id and API
    password), not by a role, so checked separately: no Bearer token passes, the account's own signature does,
    and another account's signature finds none of the account's ids."""

    body: dict[str, Any] | None = None
    params: Callable[[World], Awaitable[dict[str, str]]] | None = None  # the account's own ids
    own: Callable[[World], Awaitable[dict[str, str]]] | None = None  # ids for the own signature, if others


async def own_cid(w: World) -> dict[str, str]:
    return {"cid": w.client_a}


async def own_sid(w: World) -> dict[str, str]:
    return {"sid": w.session_a}


async def active_sid(w: World) -> dict[str, str]:
    """A new active session of account A, to close. A's license allows one at a time: the shared one ends
    first (ending is idempotent), with the key current now (the matrix resets it)."""
    device = Device(w.http, (await license_tab(w.http, w.a, 0))["license_key"])
    await device.end(w.session_a)
    session_id, _ = await device.start(w.client_a, new_client_id())
    return {"sid": session_id}


ANYDESK_ROUTES: dict[tuple[str, str], Signed] = {
    ("GET", "/anydesk/auth"): Signed(), ("GET", "/anydesk/sysinfo"): Signed(), ("GET", "/anydesk/rosters"): Signed(),
    ("GET", "/anydesk/clients"): Signed(),
    ("GET", "/anydesk/clients/{cid:int}"): Signed(params=own_cid),
    ("PATCH", "/anydesk/clients/{cid:int}"): Signed(body={"comment": "signed"}, params=own_cid),
    ("GET", "/anydesk/sessions"): Signed(),
    ("GET", "/anydesk/sessions/{sid:str}"): Signed(params=own_sid),
    ("PATCH", "/anydesk/sessions/{sid:str}"): Signed(body={"comment": "signed"}, params=own_sid),
    ("POST", "/anydesk/sessions/{sid:str}/action"): Signed(body={"action": "close"}, params=own_sid,
                                                           own=active_sid),
}
