"""Every email's subject and plain-text part read as plain text: no HTML entities where a name
has an apostrophe or a `<`, each listed item on a line of its own, "1 day" not "1 days".

One test over every template in templates/emails/: a new email must bring a sample here."""

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace as O

import pytest
from django.conf import settings

from dspt_portal.emails import render_email

ORG = O(name="O'Neill & Daughters <Care>", ods_code="VN4K2")


class Person(O):
    def __str__(self) -> str:  # as accounts.User shows itself: {{ inviter }}
        return self.full_name


PERSON = Person(full_name="Siân O'Brien", email="sian@example.org", get_short_name="Siân")
ITEMS = ["4.3.1 Staff know who to tell about a breach", "7.2.1 You test your backups"]
OUTCOME = O(
    label="Approaching Standards",
    headline="2 mandatory items to go",
    coverage="",
    coverage_text="",
    answered_mandatory=38,
    total_mandatory=40,
    percent_mandatory_done=95,
)
ASSESSMENT = O(year_label="2025-26")
LINK = "http://127.0.0.1:8000/o/vn4k2/"


def _reminder(title, detail=""):
    return O(title=title, detail=detail, url=LINK, organisation=ORG)


REMINDERS = [
    _reminder(
        f"{ORG.name}: 1 day to the 30 June 2026 deadline",
        "Standards Met still needs 2 items:\n" + "\n".join(f"- {i}" for i in ITEMS),
    ),
    _reminder("“Carers' <handbook>” due for review on 1 July 2026", ORG.name),
]


def _reminder_context():
    return {
        "recipient": PERSON,
        "kind_help": "you are the IG lead of O'Neill's",
        "reminders": REMINDERS,
        "groups": [(ORG.name, REMINDERS)],
        "unsubscribe_url": LINK + "unsubscribe/",
        "preferences_url": LINK + "preferences/",
    }


BOARD = O(
    deadline=dt.date(2026, 6, 30),
    days_to_deadline=1,
    outcome=OUTCOME,
    year_label="2025-26",
    next_items=[O(item=O(ref=i.split()[0], summary=i.split(" ", 1)[1])) for i in ITEMS],
    documents_due=[1, 2],
)

# name -> (context, the lines each listed thing must start)
SAMPLES = {
    "assessment_approved": (
        {
            "approver": PERSON,
            "organisation": ORG,
            "assessment": ASSESSMENT,
            "approval": O(snapshot=O(outcome=OUTCOME)),
            "url": LINK,
        },
        [],
    ),
    "assessment_returned": (
        {
            "approver": PERSON,
            "organisation": ORG,
            "assessment": ASSESSMENT,
            "comment": "Please check 4.3.1 & 7.2.1, they're <blank>",
            "url": LINK,
        },
        [],
    ),
    "assessment_submitted": (
        {
            "submitter": PERSON,
            "organisation": ORG,
            "assessment": ASSESSMENT,
            "outcome": OUTCOME,
            "url": LINK,
        },
        [],
    ),
    "invitation": (
        {
            "inviter": PERSON,
            "organisation": ORG,
            "invitation": O(get_role_display="Editor"),
            "url": LINK,
            "valid_days": 1,
        },
        [],
    ),
    "portfolio_reminder": (
        {"organisation": ORG, "recipient": PERSON, "sender": PERSON, "board": BOARD, "url": LINK},
        ITEMS,
    ),
    "reminder_action_due": (_reminder_context(), ITEMS),
    "reminder_consultant_digest": (_reminder_context(), ITEMS),
    "reminder_deadline": (_reminder_context(), ITEMS),
    "reminder_deadline_missed": (_reminder_context(), ITEMS),
    "reminder_sar_due": (_reminder_context(), ITEMS),
    "reminder_breach_clock": (_reminder_context(), ITEMS),
    "reminder_document_review": (_reminder_context(), ITEMS),
    "reminder_out_of_date": (_reminder_context(), ITEMS),
    "report_ready": (
        {
            "person": PERSON,
            "organisation": ORG,
            "report": O(title="Assessment report for O'Neill's <home>"),
            "url": LINK,
        },
        [],
    ),
}

EMAILS = sorted(
    p.name.removesuffix("_subject.txt")
    for p in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*_subject.txt")
)
ENTITY = re.compile(r"&(#x?[0-9a-f]+|[a-z]+);", re.IGNORECASE)


def test_every_email_template_has_a_sample_here():
    assert EMAILS and sorted(SAMPLES) == EMAILS


@pytest.mark.parametrize("name", EMAILS)
def test_subject_and_text_part_read_as_plain_text(name):
    context, listed = SAMPLES[name]

    subject, text, _html = render_email(name, context)

    for part in (subject, text):
        assert not ENTITY.search(part), ENTITY.search(part)[0]
        assert not re.search(r"\b1 days\b", part)
    assert "O'Neill" in subject + text or "O'Brien" in subject + text or "Siân" in text
    lines = [line.strip().lstrip("-*• ").strip() for line in text.splitlines()]
    for item in listed:
        ref, summary = item.split(" ", 1)
        assert any(line.startswith(ref) and summary[:20] in line for line in lines), (
            f"{item!r} is not on a line of its own in:\n{text}"
        )
    assert not re.search(r"\S-\s+\d+\.\d+\.\d+", text), text  # "items:- 4.3.1 …- 7.2.1"
