"""CSV straight from PostgreSQL (COPY, each cell formatted by the query) is byte for byte what the Python
writer makes of the same rows: formulas neutralised, times in each zone and format, yes/no in each language."""

import pytest

from domain.account import CSV_DATE_FORMATS
from gateway.csv_export import CsvFormat, CsvQuery, copied, csv_lines, listed
from projections.preferences import Preferences

ROWS = """SELECT * FROM (VALUES
    ('plain', 'a,b', 'say "hi"', '', NULL::text, 42, -5, true, '2026-03-29 00:30:00+00'::timestamptz,
     '6f1c2a9e-1d2b-4c3d-9e8f-0a1b2c3d4e5f'::uuid),
    ('=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', E'\\tcmd', 0, NULL, false,
     '2026-10-25 01:59:59.999999+00'::timestamptz, NULL),
    (E'\\r=1', 'a=b', 'Grüße, 東京 😀', ' lead', 'x-y', 7, 3, NULL, NULL, NULL),
    ('late', 'noon', 'pm', 'am', 'z', 1, 2, true, '2026-07-01 12:00:00+00'::timestamptz, NULL)
) AS v(a, b, c, d, e, n, m, flag, at, id) ORDER BY n"""
HEADER = ("ID", "Alias", "Online", "Online since", "Version", "Platform", "Start", "End", "Active", "Session")


def fmt(language: str, zone: str, date_format: str) -> CsvFormat:
    return CsvFormat(Preferences(language=language, time_zone=zone, csv_scope="all", csv_date_format=date_format))


@pytest.mark.parametrize(("language", "zone"), [("en", "UTC"), ("de", "Europe/Berlin"), ("fr", "America/New_York"),
                                                ("es", "Asia/Kolkata"), ("en", "America/St_Johns")])
@pytest.mark.parametrize("date_format", list(CSV_DATE_FORMATS))
async def test_copy_writes_the_very_bytes_the_python_writer_does(pool, language, zone, date_format):
    chosen = fmt(language, zone, date_format)
    rows = [tuple(r) for r in await pool.fetch(ROWS)]

    written = b"".join([chunk async for chunk in csv_lines(HEADER, listed(rows), tuple, chosen)])
    copied_ = b"".join([chunk async for chunk in copied(pool, HEADER, CsvQuery(ROWS), chosen)])

    assert copied_ == written
    assert b"'=HYPERLINK" in copied_ and b"'-5" in copied_


async def test_copy_takes_the_querys_arguments(pool):
    query = CsvQuery("SELECT n, n > $1 FROM generate_series(1, 3) AS n ORDER BY n", (1,))

    text = b"".join([chunk async for chunk in copied(pool, ("N", "Big"), query, fmt("de", "UTC", "iso"))]).decode()

    assert text == "\ufeffN,Big\r\n1,nein\r\n2,ja\r\n3,ja\r\n"


async def test_a_reader_that_stops_early_leaves_the_connection_to_the_pool(pool):
    query = CsvQuery("SELECT n, repeat('x', 100) FROM generate_series(1, 200000) AS n")
    stream = copied(pool, ("N", "X"), query, fmt("en", "UTC", "iso"))
    await anext(stream)
    await anext(stream)
    await stream.aclose()  # the reader went away mid-export

    assert await pool.fetchval("SELECT 1") == 1
    text = b"".join([chunk async for chunk in copied(pool, ("N",), CsvQuery("SELECT 1"), fmt("en", "UTC", "iso"))])
    assert text == "\ufeffN\r\n1\r\n".encode()
