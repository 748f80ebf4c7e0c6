"""CSV export as the account likes it: its language (column headers), time zone (every time carries its offset)
and date format, all rows or only the page on screen; streamed (flat memory for any number of rows), properly
quoted, and safe to open in a spreadsheet (no formula injection). Every CSV route goes through `export`."""

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
from litestar.response import Stream

from domain.account import CSV_DATE_FORMATS
from domain.i18n import N_, translated
from projections.preferences import Preferences, preferences

CHUNK_ROWS = 500
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would evaluate these
YES, NO = N_("yes"), N_("no")


class CsvFormat:
    def __init__(self, chosen: Preferences) -> None:
        self.zone = ZoneInfo(chosen.time_zone)
        self.date_format = CSV_DATE_FORMATS[chosen.csv_date_format]
        self.language = chosen.language

    def cell(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            local = value.astimezone(self.zone)
            offset = local.strftime("%z")  # +0100: written +01:00, so a reader never has to guess the zone
            return f"{local.strftime(self.date_format)} {offset[:3]}:{offset[3:]}"
        if isinstance(value, bool):
            return translated(self.language, YES if value else NO)
        text = str(value)
        return "'" + text if text.startswith(FORMULA_PREFIXES) else text


async def csv_lines(header: Sequence[str], rows: AsyncIterator[Any], to_cells: Callable[[Any], Sequence[Any]],
                    fmt: CsvFormat) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # a byte-order mark, so spreadsheets read UTF-8 names correctly
    writer.writerow([translated(fmt.language, name) for name in header])
    count = 0
    async for row in rows:
        writer.writerow([fmt.cell(v) for v in to_cells(row)])
        count += 1
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


async def listed(items: Sequence[Any]) -> AsyncIterator[Any]:
    """A page already in memory, as the row stream `csv_lines` takes."""
    for item in items:
        yield item


async def export(pool: asyncpg.Pool, account_id: UUID, filename: str, header: Sequence[str],
                 to_cells: Callable[[Any], Sequence[Any]], every: Callable[[], AsyncIterator[Any]],
                 page: Callable[[], Awaitable[Sequence[Any]]] | None = None) -> Stream:
    """The CSV answer: `every` row, or only the `page` on screen when the account prefers that (and the view
    has pages); headers in the account's language."""
    chosen = await preferences(pool, account_id)
    rows = listed(await page()) if page is not None and chosen.csv_scope == "page" else every()
    return Stream(csv_lines(header, rows, to_cells, CsvFormat(chosen)),
                  media_type="text/csv",  # Litestar adds "; charset=utf-8" to every text/ type
                  headers={"Content-Disposition": f'attachment; filename="{filename}"'})
