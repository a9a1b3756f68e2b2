"""An answer's history, read from django-simple-history's records (HistoricalResponse).

Each save of a Response through the model (never `.update()`) adds a record: who, when,
and the whole row. The item page shows, newest first, what each save changed.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .models import AnswerType, Response, ResponseStatus

# What the page compares between records, in reading order.
TRACKED = [
    ("answer_confirmed", "Confirmed"),
    ("answer_text", "Answer"),
    ("answer_number", "Number"),
    ("answer_date", "Date"),
    ("not_applicable", "Does not apply"),
    ("na_reason", "Why it does not apply"),
    ("narrative", "How you meet this"),
    ("owner_id", "Owner"),
    ("status", "Progress"),
]
ANSWER_ATTRS = [
    "answer_confirmed",
    "answer_text",
    "answer_number",
    "answer_date",
    "narrative",
    "not_applicable",
    "na_reason",
]
SHOWN = 30  # entries on the page; the export keeps them all


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    record_id: int
    at: datetime
    by: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    restorable: bool = False


def records_for(response: Response):
    """History records of one answer, oldest first (filtered by organisation, like all
    tenant reads: the history table is not behind a scoped manager)."""
    return (
        Response.history.filter(organisation_id=response.organisation_id, id=response.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )


def _shown(name: str, value, people: dict) -> str:
    if value is None or value == "":
        return ""
    if name == "owner_id":
        return people.get(value, "A former member")
    if name == "status":
        return ResponseStatus(value).label
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def _answer(record) -> tuple:
    return tuple(getattr(record, name) for name in ANSWER_ATTRS)


def answer_history(response: Response, people: dict[int, str]) -> list[Entry]:
    """Newest first: each save with what it changed. `people` maps user id to a name."""
    kind = response.item.answer_type
    tracked = [
        (name, label)
        for name, label in TRACKED
        if name != "answer_confirmed" or kind == AnswerType.CONFIRMATION
    ]
    current = _answer(response)
    entries, previous = [], None
    for record in records_for(response):
        user = record.history_user
        entry = Entry(
            record_id=record.history_id,
            at=record.history_date,
            by=(user.full_name or user.email) if user else "The system",
            reason=record.history_change_reason or "",
        )
        for name, label in tracked:
            old = getattr(previous, name) if previous is not None else None
            new = getattr(record, name)
            if previous is None and new in (None, "", False, ResponseStatus.NOT_STARTED):
                continue  # a blank start is shown as "Started, nothing answered yet"
            if old != new and not (old in (None, "") and new in (None, "")):
                entry.changes.append(
                    Change(label, _shown(name, old, people), _shown(name, new, people))
                )
        entry.restorable = _answer(record) != current and bool(entry.changes)
        if entry.changes or previous is None:
            entries.append(entry)
        previous = record
    return entries[::-1][:SHOWN]


def answer_from(response: Response, record_id: int) -> dict | None:
    """The answer fields as they were in one of this response's records, or None."""
    record = records_for(response).filter(history_id=record_id).first()
    if record is None:
        return None
    return {"record": record, **{name: getattr(record, name) for name in ANSWER_ATTRS}}
