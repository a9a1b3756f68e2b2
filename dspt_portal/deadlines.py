"""The DSPT year and its 30 June deadline (docs/dspt-rules.md §4)."""

import datetime as dt

from django.utils import timezone


def dspt_deadline(today: dt.date | None = None) -> dt.date:
    """The next 30 June on or after today: the deadline of the current DSPT year."""
    today = today or timezone.localdate()
    deadline = dt.date(today.year, 6, 30)
    return deadline if today <= deadline else dt.date(today.year + 1, 6, 30)


def days_until_deadline(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return (dspt_deadline(today) - today).days


def dspt_year_label(deadline_year: int) -> str:
    """'2025-26' for the year whose deadline is 30 June 2026."""
    return f"{deadline_year - 1}-{str(deadline_year)[-2:]}"
