"""The License tab as its owner sees it: the read model, with the live license key, which no event published
on the bus carries any more (only its fingerprint does), read from the event store."""

from uuid import UUID

import asyncpg

from domain.application import Portal
from gateway.consistency import off_loop
from projections.license import LicenseTab, license_tab


async def license_tab_with_key(pool: asyncpg.Pool, portal: Portal, account_id: UUID) -> LicenseTab | None:
    key = (await off_loop(portal.license, account_id)).key  # the aggregate: events carry only its fingerprint
    return await license_tab(pool, account_id, key)
