"""Dates and amounts as each of the portal's languages writes them (Babel), in the account's time zone."""

from datetime import UTC, datetime

import pytest

from domain.i18n import day_in, moment_in, money_in

MOMENT = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already the next day in Berlin


@pytest.mark.parametrize("language, written", [("en", "Jan 1, 2027, 12:30:00\u202fAM (Europe/Berlin)"),
                                               ("de", "01.01.2027, 00:30:00 (Europe/Berlin)"),
                                               ("es", "1 ene 2027, 0:30:00 (Europe/Berlin)"),
                                               ("fr", "1 janv. 2027, 00:30:00 (Europe/Berlin)")])
def test_a_moment_is_written_in_the_language_and_the_accounts_time_zone(language, written):
    assert moment_in(language, MOMENT, "Europe/Berlin") == written


def test_a_day_is_the_accounts_day():
    assert (day_in("de", MOMENT, "Europe/Berlin"), day_in("de", MOMENT, "America/New_York")) == \
        ("01.01.2027", "31.12.2026")


@pytest.mark.parametrize("language, written", [("en", "€1,234.50"), ("de", "1.234,50\xa0€"),
                                               ("es", "1.234,50\xa0€"), ("fr", "1\u202f234,50\xa0€")])
def test_an_amount_in_minor_units_is_written_as_the_language_writes_money(language, written):
    assert money_in(language, 123_450, "EUR") == written


def test_a_language_the_portal_does_not_speak_writes_english():
    assert money_in("it", -1_200, "EUR") == "-€12.00"
