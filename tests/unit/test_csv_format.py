"""CSV cells as the account likes them, safe to open in a spreadsheet. No user-controlled field reaches an
export with a leading `=`, `+`, `-` or `@` through the routes (ids, aliases, versions and platforms are all
validated), so the neutralisation is proved here, on the formatter itself."""

import csv
import io
from datetime import UTC, datetime

import pytest

from gateway.csv_export import CHUNK_ROWS, CsvFormat, csv_lines, listed
from projections.preferences import Preferences


def chosen(language: str = "en", time_zone: str = "UTC", csv_date_format: str = "iso") -> CsvFormat:
    return CsvFormat(Preferences(language=language, time_zone=time_zone, csv_scope="all",
                                 csv_date_format=csv_date_format))


ISO = chosen()


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"])
def test_a_cell_a_spreadsheet_would_evaluate_is_neutralised(text):
    assert ISO.cell(text) == "'" + text


@pytest.mark.parametrize("text", ["alpha@ns-acme", "1.0.0", "a=b", "x-y", ""])
def test_an_ordinary_cell_is_left_as_it_is(text):
    assert ISO.cell(text) == text


@pytest.mark.parametrize(("value", "cell"), [(None, ""), (True, "yes"), (False, "no"), (42, "42")])
def test_empty_boolean_and_number_cells_read_plainly(value, cell):
    assert ISO.cell(value) == cell


@pytest.mark.parametrize(("zone", "date_format", "cell"), [
    ("UTC", "iso", "2026-03-29 00:30:00 +00:00"), ("Europe/Berlin", "de", "29.03.2026 01:30:00 +01:00"),
    ("Europe/Paris", "fr", "29/03/2026 01:30:00 +01:00"), ("America/New_York", "us", "03/28/2026 08:30:00 PM -04:00"),
    ("Asia/Kolkata", "iso", "2026-03-29 06:00:00 +05:30")])
def test_a_moment_is_shown_in_the_accounts_zone_and_format_with_its_offset(zone, date_format, cell):
    fmt = chosen(time_zone=zone, csv_date_format=date_format)

    assert fmt.cell(datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) == cell


async def test_cells_with_separators_quotes_and_line_breaks_survive_a_round_trip():
    cells = ("a,b", 'say "hi"', "two\nlines", "=1+1")

    text = b"".join([chunk async for chunk in csv_lines(("A", "B", "C", "D"), listed([cells]), list, ISO)]).decode()

    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [
        ["A", "B", "C", "D"], ["a,b", 'say "hi"', "two\nlines", "'=1+1"]]


async def test_a_long_export_streams_in_chunks_holding_every_row_once():
    rows = [(str(i),) for i in range(2 * CHUNK_ROWS + 7)]

    chunks = [chunk async for chunk in csv_lines(("N",), listed(rows), list, ISO)]

    assert len(chunks) == 3
    lines = b"".join(chunks).decode().removeprefix("\ufeff").splitlines()
    assert lines == ["N", *(r[0] for r in rows)]


async def test_headers_and_yes_no_cells_are_in_the_accounts_language():
    german = chosen(language="de")

    text = b"".join([chunk async for chunk in csv_lines(("Online since", "Platform"), listed([(True, "linux")]),
                                                         list, german)]).decode()

    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [["Online seit", "Plattform"],
                                                                             ["ja", "linux"]]
    assert chosen(language="fr").cell(False) == "non"
