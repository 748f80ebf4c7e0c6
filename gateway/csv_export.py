"""CSV export as the account likes it: its language (column headers), time zone (every time carries its offset)
and date format, all rows or only the page on screen; streamed (flat memory for any number of rows), properly
quoted, and safe to open in a spreadsheet (no formula injection). Every CSV route goes through `export`.

All rows come straight from PostgreSQL: `COPY (query) TO STDOUT`, the query itself formatting each cell, so
Python never touches a row; a page already on screen is written by `csv_lines`, cell by cell, to the same bytes.
"""

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import msgspec
from litestar.response import Stream

from domain.account import CSV_DATE_FORMATS
from domain.i18n import N_, translated
from projections.preferences import Preferences, preferences

CHUNK_ROWS = 500
QUEUED_CHUNKS = 32  # COPY's chunks waiting for a slow reader; past that PostgreSQL waits (flat memory)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would evaluate these
FORMULA_CHARS = ", ".join(f"chr({ord(prefix)})" for prefix in FORMULA_PREFIXES)  # the same, in SQL
YES, NO = N_("yes"), N_("no")
BOM = "\ufeff"  # a byte-order mark, so spreadsheets read UTF-8 names correctly
# CSV_DATE_FORMATS as PostgreSQL's to_char spells them (a test holds each pair to the same text).
SQL_DATE_FORMATS = {"iso": "YYYY-MM-DD HH24:MI:SS", "de": "DD.MM.YYYY HH24:MI:SS", "fr": "DD/MM/YYYY HH24:MI:SS",
                    "us": "MM/DD/YYYY HH12:MI:SS AM"}


class CsvQuery(msgspec.Struct, frozen=True):
    """Every row of an export as one query (with its $n arguments), its columns in the header's order."""
    sql: str
    args: tuple[Any, ...] = ()


def exported(columns: str, sql: str, args: Sequence[Any]) -> CsvQuery:
    """The export of every row `sql` finds, in its order: `columns` (SQL over its output) in the header's order."""
    return CsvQuery(f"SELECT {columns} FROM ({sql}) AS r", tuple(args))


class CsvFormat:
    def __init__(self, chosen: Preferences) -> None:
        self.time_zone = chosen.time_zone
        self.zone = ZoneInfo(chosen.time_zone)
        self.date_format = CSV_DATE_FORMATS[chosen.csv_date_format]
        self.sql_date_format = SQL_DATE_FORMATS[chosen.csv_date_format]
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

    def cell_sql(self, column: str, type_name: str) -> str:
        """`cell` in SQL, for a column of that type."""
        if type_name == "timestamptz":  # in the zone the COPY's transaction is set to
            return f"to_char({column}, '{self.sql_date_format} TZH:TZM')"
        if type_name == "bool":
            yes, no = (literal(translated(self.language, word)) for word in (YES, NO))
            return f"CASE {column} WHEN true THEN {yes} WHEN false THEN {no} END"
        text = f"nullif({column}::text, '')"  # COPY quotes an empty text; csv.writer leaves it empty
        return f"CASE WHEN left({text}, 1) IN ({FORMULA_CHARS}) THEN '''' ELSE '' END || {text}"


def literal(text: str) -> str:
    """A text of our own (a translation) as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def write_header(buffer: io.StringIO, header: Sequence[str], fmt: CsvFormat) -> Any:
    """The byte-order mark and the translated header, written; answers the writer for the rows."""
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([translated(fmt.language, name) for name in header])
    return writer


async def csv_lines(header: Sequence[str], rows: AsyncIterator[Any], to_cells: Callable[[Any], Sequence[Any]],
                    fmt: CsvFormat) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = write_header(buffer, header, fmt)
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


async def formatted(conn: asyncpg.Connection, query: CsvQuery, fmt: CsvFormat) -> str:
    """The query wrapped so that each of its columns comes out as `CsvFormat.cell` writes it."""
    columns = (await conn.prepare(query.sql)).get_attributes()
    cells = ", ".join(fmt.cell_sql(f"c{i}", c.type.name) for i, c in enumerate(columns))
    names = ", ".join(f"c{i}" for i in range(len(columns)))
    return f"SELECT {cells} FROM ({query.sql}) AS r({names})"


async def copied(pool: asyncpg.Pool, header: Sequence[str], query: CsvQuery, fmt: CsvFormat) -> AsyncIterator[bytes]:
    """The header, then COPY's output as it arrives; at most QUEUED_CHUNKS wait for the reader."""
    chunks: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=QUEUED_CHUNKS)

    async def copying() -> None:
        conn = await pool.acquire()
        try:  # the zone for this connection only; the pool's reset (RESET ALL) forgets it
            await conn.execute("SELECT set_config('TimeZone', $1, false)", fmt.time_zone)
            await conn.copy_from_query(await formatted(conn, query, fmt), *query.args, output=chunks.put,
                                       format="csv")
        except asyncio.CancelledError:  # the reader went away mid-COPY: the connection cannot be reused
            conn.terminate()
            raise
        except BaseException:
            await chunks.put(None)  # wakes the reader, which then meets this error
            raise
        finally:
            await pool.release(conn)
        await chunks.put(None)

    task = asyncio.create_task(copying())
    try:
        write_header(first := io.StringIO(), header, fmt)
        yield first.getvalue().encode()
        finished = False
        while not finished:
            waiting = [await chunks.get()]
            while not chunks.empty():  # everything COPY sent meanwhile goes out in one write
                waiting.append(chunks.get_nowait())
            finished = waiting[-1] is None
            # csv.writer's line ends (no cell holds a line break)
            if body := b"".join(c for c in waiting if c is not None):
                yield body.replace(b"\n", b"\r\n")
        await task  # its error, if any
    finally:
        if not task.done():  # the reader went away
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task


async def export(pool: asyncpg.Pool, account_id: UUID, filename: str, header: Sequence[str],
                 to_cells: Callable[[Any], Sequence[Any]], every: CsvQuery | Callable[[], AsyncIterator[Any]],
                 page: Callable[[], Awaitable[Sequence[Any]]] | None = None) -> Stream:
    """The CSV answer: `every` row (a query copied straight from PostgreSQL, or rows only Python can make),
    or only the `page` on screen when the account prefers that (and the view has pages); headers in the
    account's language."""
    chosen = await preferences(pool, account_id)
    fmt = CsvFormat(chosen)
    if page is not None and chosen.csv_scope == "page":
        lines = csv_lines(header, listed(await page()), to_cells, fmt)
    elif isinstance(every, CsvQuery):
        lines = copied(pool, header, every, fmt)
    else:
        lines = csv_lines(header, every(), to_cells, fmt)
    return Stream(lines, media_type="text/csv",  # Litestar adds "; charset=utf-8" to every text/ type
                  headers={"Content-Disposition": f'attachment; filename="{filename}"'})
