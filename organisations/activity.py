"""The audit trail in plain English: each entry as a sentence, its changes as short lines.

The activity page and the home page's "recent activity" both read entries through
`describe()`, so no page shows a raw code such as `reminder.requested` or `request: — → 17`.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.text import Truncator

from .models import ActivityLog

# What the person did, after their name. "{object}" is the item or document concerned.
PHRASES = {
    "assessment.started": "started the assessment",
    "assessment.submitted": "sent the assessment for approval",
    "assessment.approved": "approved the assessment",
    "assessment.returned": "returned the assessment for changes",
    "assessment.revision_started": "started a new revision of the assessment",
    "assessment.publication_recorded": "recorded publication on the national toolkit",
    "assessment.checklist_changed": "moved the assessment onto a newer checklist",
    "response.updated": "updated the answer to {object}",
    "comment.added": "commented on {object}",
    "checklist.imported": "imported answers from a spreadsheet",
    "document.created": "added the document “{object}”",
    "document.updated": "updated the document “{object}”",
    "document.deleted": "deleted the document “{object}”",
    "document.archived": "archived the document “{object}”",
    "document.restored": "restored the archived document “{object}”",
    "document.purged": "deleted for good the archived document “{object}”",
    "document.version_added": "uploaded a new version of “{object}”",
    "document.linked": "linked the document “{object}” to an item",
    "document.unlinked": "unlinked the document “{object}” from an item",
    "improvement_action.created": "added “{object}” to the improvement plan",
    "improvement_action.updated": "updated the improvement action “{object}”",
    "improvement_action.deleted": "removed “{object}” from the improvement plan",
    "staff.created": "added {object} to the training register",
    "staff.updated": "updated {object} on the training register",
    "training.recorded": "recorded training: {object}",
    "training.imported": "imported training records",
    "training.deleted": "deleted a training record",
    "breach.created": "logged the breach “{object}”",
    "breach.updated": "updated the breach “{object}”",
    "breach.deleted": "removed the breach “{object}” (made in error)",
    "sar.created": "recorded a subject access request",
    "sar.updated": "updated a subject access request",
    "sar.deleted": "removed a subject access request (made in error)",
    "it_asset.created": "added “{object}” to the IT register",
    "it_asset.updated": "updated “{object}” on the IT register",
    "it_asset.deleted": "removed “{object}” from the IT register (made in error)",
    "supplier.created": "added the supplier “{object}”",
    "supplier.updated": "updated the supplier “{object}”",
    "supplier.deleted": "removed the supplier “{object}” (made in error)",
    "information_asset.created": "added “{object}” to the information asset register",
    "information_asset.updated": "updated “{object}” on the information asset register",
    "information_asset.deleted": (
        "removed “{object}” from the information asset register (made in error)"
    ),
    "continuity_test.created": "recorded a continuity plan test: {object}",
    "continuity_test.updated": "updated a continuity plan test: {object}",
    "continuity_test.deleted": "removed a continuity plan test: {object} (made in error)",
    "organisation.created": "set up the organisation",
    "organisation.updated": "updated the organisation details",
    "organisation.closing": "closed the organisation (erased after 30 days)",
    "organisation.exported": "downloaded everything as a zip",
    "organisation.closure_cancelled_by_support": "cancelled the organisation's closure",
    "membership.created": "added a team member",
    "membership.removed": "removed a team member",
    "membership.role_changed": "changed a team member's role",
    "invitation.created": "invited someone to the team",
    "invitation.accepted": "joined the team",
    "invitation.revoked": "withdrew an invitation",
    "reminder.requested": "asked for a reminder to be emailed to the IG lead",
    "reminder.sent": "emailed the IG lead a reminder",
    "reminder.failed": "could not email the IG lead a reminder",
    "report.requested": "asked for a report",
    "user.login": "signed in",
    "user.logout": "signed out",
    "user.login_failed": "failed to sign in",
}

# The "Show" filter on the activity page: what each kind of entry is about.
FILTER_LABELS = {
    "assessment.": "The assessment and its approval",
    "response.": "Answers",
    "comment.": "Comments",
    "checklist.": "Spreadsheet imports",
    "document.": "Documents",
    "improvement_action.": "The improvement plan",
    "staff.": "The training register",
    "training.": "Training records",
    "organisation.": "Organisation details",
    "membership.": "Team members",
    "invitation.": "Invitations",
    "reminder.": "Reminders",
    "report.": "Reports",
}

LABELS = {
    "answer_confirmed": "Confirmed",
    "answer_text": "Answer",
    "answer_number": "Figure",
    "answer_date": "Date",
    "narrative": "Narrative",
    "not_applicable": "Not applicable",
    "na_reason": "Reason it does not apply",
    "owner": "Owner",
    "status": "Status",
    "review_needed": "Needs checking (copied from last year)",
    "projected_outcome": "Projected outcome",
    "outcome": "Outcome",
    "published_on": "Published on",
    "published_outcome": "Published outcome",
    "revision": "Revision",
    "catalogue": "Checklist",
    "carried_forward_from": "Answers copied from",
    "items": "Items",
    "item": "Item",
    "to": "Sent to",
    "error": "What went wrong",
    "kind": "Kind",
    "approval_revision": "Approved revision",
    "target_date": "Target date",
    "completion_note": "What was done",
    "completed_on": "Completed on",
    "title": "Title",
    "file": "File",
    "version": "Version",
    "rows": "Rows read",
    "people_added": "People added",
    "records_added": "Records added",
    "role": "Role",
    "email": "Email",
    "ods_code": "ODS code",
    "senior_accountable_person": "Senior accountable person",
    "ig_lead": "IG lead",
    "last_reviewed_on": "Last reviewed",
    "next_review_due": "Next review due",
    "effective_on": "Effective from",
    "erase_on": "Erased on",
    "purge_on": "Deleted for good on",
    "archived_at": "Archived on",
    "versions": "Versions",
    "invitations_withdrawn": "Invitations withdrawn",
}
# Internal references that mean nothing to a reader.
HIDDEN = {"request", "sha256"}
# Values of these keys are codes ("in_progress"): shown as words ("In progress").
CODED = {
    "status",
    "role",
    "kind",
    "outcome",
    "projected_outcome",
    "published_outcome",
    "service_type",
}
CODE = re.compile(r"^[a-z]+(_[a-z]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHORT = 120


@dataclass
class Described:
    entry: ActivityLog
    sentence: str
    details: list[str] = field(default_factory=list)


def _who(entry: ActivityLog) -> str:
    if entry.actor is not None:
        return entry.actor.full_name or entry.actor.email
    return entry.actor_email or "The portal"


def _object(entry: ActivityLog) -> str:
    # Response reprs read "1.1.1 for Home – DSPT 2025-26": the item ID is enough here.
    return entry.object_repr.split(" for ")[0] if entry.object_repr else "an item"


def phrase_for(action: str) -> str:
    phrase = PHRASES.get(action)
    if phrase is None:
        thing, _, verb = action.partition(".")
        phrase = f"{verb.replace('_', ' ')} {thing.replace('_', ' ')}".strip()
    return phrase


def sentence(entry: ActivityLog) -> str:
    """'Tom Okafor updated the answer to 1.1.1' – a sentence a care manager can read."""
    return f"{_who(entry)} {phrase_for(entry.action).format(object=_object(entry))}"


def _value(key: str, value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(key, v) for v in value if v not in (None, ""))
    text = str(value)
    if key in CODED and CODE.match(text):
        return text.replace("_", " ").capitalize()
    if ISO_DATE.match(text):
        try:
            return f"{dt.date.fromisoformat(text):%-d %B %Y}"
        except ValueError:
            return text
    return Truncator(text).chars(SHORT)


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def _detail(key: str, value) -> str | None:
    """One change as a short line: 'Status: Not started, now In progress'."""
    if key in HIDDEN:
        return None
    label = _label(key)
    is_pair = isinstance(value, list) and len(value) == 2 and key not in ("items",)
    if is_pair and (isinstance(value[0], bool) or isinstance(value[1], bool)):
        return f"{label}: {_value(key, value[1]) or 'no'} (was {_value(key, value[0]) or 'no'})"
    if is_pair:
        old, new = _value(key, value[0]), _value(key, value[1])
        if not old and not new:
            return None
        if not old:
            return f"{label}: “{new}”"
        if not new:
            return f"{label}: cleared (was “{old}”)"
        return f"{label}: “{new}” (was “{old}”)"
    shown = _value(key, value)
    return f"{label}: “{shown}”" if shown else None


def describe(entry: ActivityLog) -> Described:
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    details = [line for key, value in changes.items() if (line := _detail(key, value))]
    return Described(entry=entry, sentence=sentence(entry), details=details)


def filter_choices(actions) -> list[tuple[str, str]]:
    """The 'Show' filter: one choice per kind of entry present, by its prefix ('document.')."""
    prefixes = sorted({a.partition(".")[0] + "." for a in actions})
    return [
        (p, FILTER_LABELS.get(p, p.rstrip(".").replace("_", " ").capitalize())) for p in prefixes
    ]
