"""Calendar arithmetic and date reading, written once for every app.

"A year later" is the same day a year on, and 28 February for 29 February in a year that has
none (dateutil's relativedelta does exactly that); months work the same way, clamping to the
month's last day. People type dates the UK way: `parse_uk_date` reads the forms we accept.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta

UK_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter); dates that
    would leave the calendar stay at its ends."""
    try:
        return day + relativedelta(months=months)
    except (OverflowError, ValueError):
        return dt.date.max if months > 0 else dt.date.min


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for 29 February in a non-leap year)."""
    return add_months(day, 12 * years)


def parse_uk_date(value) -> dt.date | None:
    """A date from a cell or text typed the UK way (31/03/2026, 2026-03-31, 31.03.26 …).

    None for an empty value; ValueError when it is not a date we recognise.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for fmt in UK_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")
