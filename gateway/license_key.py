"""The License tab as its owner sees it: the read model, with the live license key, which no event published
on the bus carries any more (only its fingerprint does), read from the event store, this month's peak of
concurrent sessions from the usage read model, and "payment overdue" from the invoices read model.

The key read is kept (per gateway process) while the tab still shows its fingerprint: a reset key changes the
fingerprint the tab shows (the reset answers only once the tab does), so the next read fetches the new key."""

from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from domain.application import Portal
from domain.history import fingerprint
from gateway.consistency import off_loop
from projections.license import LicenseTab, license_tab
from projections.usage import this_month

KEPT_KEYS = 100_000  # accounts whose key is kept; past that the memory starts afresh
_keys: dict[UUID, str] = {}


async def license_tab_with_key(pool: asyncpg.Pool, portal: Portal, account_id: UUID,
                               time_zone: str = "UTC") -> LicenseTab | None:
    """The tab with its key, and the peak of the month in `time_zone` (the account's, where it matters)."""
    async def live_key(shown: str) -> str:
        key = _keys.get(account_id)
        if key is None or fingerprint(key) != shown:
            key = (await off_loop(portal.license, account_id)).key  # the aggregate: events carry its fingerprint
            if len(_keys) >= KEPT_KEYS:
                _keys.clear()
            _keys[account_id] = key
        return key
    return await license_tab(pool, account_id, live_key, this_month(ZoneInfo(time_zone), datetime.now(UTC)))
