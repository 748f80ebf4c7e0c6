"""The License tab as its owner sees it: the read model, with the live license key, which no event published
on the bus carries any more (only its fingerprint does), read from the event store."""

from uuid import UUID

import asyncpg
import msgspec

from domain.application import Portal
from gateway.consistency import off_loop
from projections.invoices import overdue_numbers
from projections.license import LicenseTab, license_tab


async def license_tab_with_key(pool: asyncpg.Pool, portal: Portal, account_id: UUID) -> LicenseTab | None:
    """…and "payment overdue" from the Invoices read model."""
    key = (await off_loop(portal.license, account_id)).key  # the aggregate: events carry only its fingerprint
    tab = await license_tab(pool, account_id, key)
    if tab is None:
        return None
    overdue = await overdue_numbers(pool, account_id)
    return msgspec.structs.replace(tab, payment_overdue=bool(overdue), overdue_invoices=overdue)
