"""The License tab as its owner sees it: the read model, with the live license key, which no event published
on the bus carries any more (only its fingerprint does), read from the event store, and this month's peak of
concurrent sessions from the usage read model."""

from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import msgspec

from domain.application import Portal
from gateway.consistency import off_loop
from projections.invoices import overdue_numbers
from projections.license import LicenseTab, license_tab
from projections.preferences import preferences
from projections.usage import month_peak


async def license_tab_with_key(pool: asyncpg.Pool, portal: Portal, account_id: UUID) -> LicenseTab | None:
    """…and "payment overdue" from the Invoices read model."""
    key = (await off_loop(portal.license, account_id)).key  # the aggregate: events carry only its fingerprint
    tab = await license_tab(pool, account_id, key)
    if tab is None:
        return None
    zone = ZoneInfo((await preferences(pool, account_id)).time_zone)
    overdue = await overdue_numbers(pool, account_id)
    return msgspec.structs.replace(tab, peak_this_month=await month_peak(pool, account_id, zone, datetime.now(UTC)),
                                   payment_overdue=bool(overdue), overdue_invoices=overdue)
