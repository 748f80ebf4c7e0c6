"""AnyDesk's /auth (is the signature right?), /sysinfo (the license and its counters) and /rosters."""



import asyncpg
import msgspec
from litestar import Controller, get

from domain.application import Portal
from domain.catalog import PRODUCTS
from gateway.anydesk.errors import AnyDeskError
from gateway.anydesk.guard import Licensee
from gateway.anydesk.shapes import now, unix
from gateway.license_key import license_tab_with_key
from projections.sessions import SessionFilter, session_slice

NEVER = -1  # AnyDesk: a value of 0 or less means unlimited


class AuthResult(msgspec.Struct, kw_only=True, rename="kebab"):
    result: str
    license_id: str


class Counted(msgspec.Struct, kw_only=True):
    total: int
    online: int


class SessionsCounted(msgspec.Struct, kw_only=True):
    total: int
    active: int


class Namespace(msgspec.Struct, kw_only=True):
    name: str
    size: int  # aliases it may hold


class LicenseInfo(msgspec.Struct, kw_only=True, rename="kebab"):
    name: str
    expires: int  # Unix seconds; -1: never
    has_expired: bool
    max_clients: int
    max_sessions: int
    max_session_time: int  # seconds
    license_id: str
    license_key: str
    api_password: str  # masked
    namespaces: list[Namespace]
    power_user: bool


class SysInfo(msgspec.Struct, kw_only=True, rename="kebab"):
    name: str
    api_ver: str
    standalone: bool
    clients: Counted
    sessions: SessionsCounted
    license: LicenseInfo


class Roster(msgspec.Struct, kw_only=True):
    roster_id: str
    name: str


class Rosters(msgspec.Struct, kw_only=True):
    items: list[Roster] = msgspec.field(name="list")


class AnyDeskInfoController(Controller):
    path = "/"
    tags = ["anydesk"]

    @get("/auth", summary="AnyDesk: check the signature")
    async def auth(self, caller: Licensee) -> AuthResult:
        return AuthResult(result="success", license_id=caller.license_id)

    @get("/sysinfo", summary="AnyDesk: the license, its limits and counters")
    async def sysinfo(self, caller: Licensee, pool: asyncpg.Pool, portal: Portal) -> SysInfo:
        tab = await license_tab_with_key(pool, portal, caller.account_id)
        if tab is None:  # the account's view has not caught up yet
            raise AnyDeskError(503, "unavailable", "The license view is being prepared; retry shortly")
        tier = PRODUCTS[tab.product.code]
        sessions = await session_slice(pool, caller.account_id, SessionFilter(), sort="started_at", descending=True,
                                       offset=0, limit=0)
        expires = tab.expires_at
        license_ = LicenseInfo(
            name=tier.name, expires=unix(expires) if expires else NEVER,
            has_expired=expires is not None and expires <= now(), max_clients=tier.max_clients,
            max_sessions=tier.max_concurrent_sessions, max_session_time=tier.max_session_minutes * 60,
            license_id=caller.license_id, license_key=tab.license_key, api_password=caller.masked_password,
            namespaces=[Namespace(name=tab.namespace.name, size=tab.namespace.max_aliases)] if tab.namespace else [],
            power_user=tier.max_active_devices is not None)  # the Power tier
        return SysInfo(name="Portal", api_ver="1", standalone=False,
                       clients=Counted(total=tab.counters.linked, online=tab.counters.online),
                       sessions=SessionsCounted(total=sessions.total, active=tab.counters.active_sessions),
                       license=license_)

    @get("/rosters", summary="AnyDesk: the account's address books (Portal keeps none yet)")
    async def rosters(self, caller: Licensee) -> Rosters:
        return Rosters(items=[])


