"""Account preferences read model: language, time zone and CSV export preferences of each account.

The gateway reads it for what depends on them (CSV exports, the language of its answers), so a query never
loads the Account aggregate; the token check joins it to learn the caller's language in the same round trip.
"""

from uuid import UUID

import asyncpg
import msgspec

from domain.account import DEFAULT_PREFERENCES
from domain.contract.accounts import AccountOpened, AccountPreferencesChanged
from projections.fold import Fold
from projections.readmodel import ReadModel, update_row

ACCOUNT_PREFERENCES = ReadModel("account_preferences", tables=("account_preferences",))


class Preferences(msgspec.Struct, kw_only=True):
    language: str
    time_zone: str
    csv_scope: str
    csv_date_format: str


class Opened(msgspec.Struct):
    account_id: UUID


@ACCOUNT_PREFERENCES.on(AccountOpened, Opened)
async def _opened(conn: Fold, e: Opened, position: int) -> None:
    await conn.rows("account_preferences").insert({"account_id": e.account_id}, position=position)


class Changed(Preferences, kw_only=True):
    account_id: UUID


@ACCOUNT_PREFERENCES.on(AccountPreferencesChanged, Changed)
async def _changed(conn: Fold, e: Changed, position: int) -> None:
    await update_row(conn, "account_preferences", {"account_id": e.account_id}, position, language=e.language,
                     time_zone=e.time_zone, csv_scope=e.csv_scope, csv_date_format=e.csv_date_format)


async def preferences(pool: asyncpg.Pool, account_id: UUID) -> Preferences:
    """The account's preferences (the defaults while its view is being prepared)."""
    row = await pool.fetchrow("SELECT language, time_zone, csv_scope, csv_date_format FROM account_preferences "
                              "WHERE account_id = $1", account_id)
    return Preferences(**(dict(row) if row else DEFAULT_PREFERENCES))
