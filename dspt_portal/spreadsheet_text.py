"""Text for spreadsheet cells typed by users: never a formula (CSV/formula injection)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_cell(value) -> str:
    """`value` as text, with a leading ' when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
