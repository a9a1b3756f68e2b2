"""Access cases for the dashboards. The home page is `organisations:home` (covered in
organisations.py). The portfolio, its export and reminders, and the platform view take no
organisation or id: their access rules (only your portfolio's homes; staff only, 404 for
everyone else) are tested in tests/dashboards/."""

CASES: list = []
