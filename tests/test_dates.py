"""One calendar for every app: a year after 29 February, a month after 31 January, UK dates."""

import datetime as dt

import pytest

from dspt_portal.dates import add_months, add_years, parse_uk_date


def test_a_year_after_29_february_is_28_february_and_a_year_before_too():
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2024, 2, 29), -1) == dt.date(2023, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


def test_a_month_after_the_31st_is_the_last_day_of_a_shorter_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 6, 30), -36) == dt.date(2023, 6, 30)


def test_dates_off_the_calendar_stay_at_its_ends():
    assert add_years(dt.date(9999, 6, 1), 1) == dt.date.max
    assert add_years(dt.date(1, 6, 1), -1) == dt.date.min


@pytest.mark.parametrize(
    "text", ["31/03/2026", "2026-03-31", "31/03/26", "31-03-2026", "31.03.2026"]
)
def test_uk_dates_are_read_in_every_form_we_accept(text):
    assert parse_uk_date(text) == dt.date(2026, 3, 31)


def test_an_empty_value_is_no_date_and_an_american_one_is_refused():
    assert parse_uk_date("  ") is None
    assert parse_uk_date(dt.datetime(2026, 3, 31, 9, 0)) == dt.date(2026, 3, 31)
    with pytest.raises(ValueError):
        parse_uk_date("03/31/2026")
