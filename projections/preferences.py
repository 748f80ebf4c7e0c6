"""Account preferences read model: language, time zone and CSV export preferences of each account.

The gateway reads it for what depends on them (CSV exports, the language of its answers), so a query never
loads the Account aggregate; the token check joins it to learn the caller's language in the same round trip.
"""

from uuid import UUID

import asyncpg
import msgspec

from domain.account import DEFAULT_PREFERENCES
from domain.contract.accounts import AccountOpened, AccountPreferencesChanged
from projections.readmodel import ReadModel

ACCOUNT_PREFERENCES = ReadModel("account_preferences", tables=("account_preferences",))


class Preferences(msgspec.Struct, kw_only=True):
    language: str
    time_zone: str
    csv_scope: str
    csv_date_format: str


class Opened(msgspec.Struct):
    account_id: UUID


@ACCOUNT_PREFERENCES.on(AccountOpened, Opened)
async def _opened(conn: asyncpg.Connection, e: Opened, position: int) -> None:
    await conn.execute("INSERT INTO account_preferences (account_id, position) VALUES ($1, $2) "
                       "ON CONFLICT DO NOTHING", e.account_id, position)


class Changed(Preferences, kw_only=True):
    account_id: UUID


@ACCOUNT_PREFERENCES.on(AccountPreferencesChanged, Changed)
async def _changed(conn: asyncpg.Connection, e: Changed, position: int) -> None:
    await conn.execute(
        """UPDATE account_preferences SET language = $2, time_zone = $3, csv_scope = $4, csv_date_format = $5,
                  position = $6 WHERE account_id = $1""",
        e.account_id, e.language, e.time_zone, e.csv_scope, e.csv_date_format, position)


async def preferences(pool: asyncpg.Pool, account_id: UUID) -> Preferences:
    """The account's preferences (the defaults while its view is being prepared)."""
    row = await pool.fetchrow("SELECT language, time_zone, csv_scope, csv_date_format FROM account_preferences "
                              "WHERE account_id = $1", account_id)
    return Preferences(**(dict(row) if row else DEFAULT_PREFERENCES))
