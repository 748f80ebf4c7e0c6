"""A deleted account leaves the read models: each drops its rows when AccountDeleted arrives, so neither the
live tables nor a rebuild from the event store hold its personal data again."""

from uuid import UUID

import msgspec

from domain.contract.customers import AccountDeleted
from projections.fold import Fold
from projections.readmodel import ReadModel


class Deleted(msgspec.Struct):
    account_id: UUID


def erases_deleted_accounts(model: ReadModel, *tables: str) -> None:
    """Register the model's AccountDeleted handler: delete the account's rows from `tables` (this module's
    callers name them; never input)."""
    async def erase(conn: Fold, e: Deleted, position: int) -> None:
        for table in tables:
            await conn.execute(f"DELETE FROM {table} WHERE account_id = $1", e.account_id)
    model.on(AccountDeleted, Deleted)(erase)
