"""Record what is due, group it into one email per person per kind per day, and send it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from dspt_portal.emails import build_email

from .collect import COLLECTORS, Due, breach_reminders_stopped
from .models import (
    HOURLY_KINDS,
    KIND_HELP,
    EmailStatus,
    Kind,
    NotificationPreference,
    Reminder,
    ReminderEmail,
)

UNSUBSCRIBE_SALT = "reminders.unsubscribe"
# A claim older than this is treated as abandoned (the worker died before finishing).
STALE_CLAIM = dt.timedelta(seconds=getattr(settings, "REMINDER_STALE_CLAIM_SECONDS", 600))
# Recipients per dispatch transaction: bounds each statement whatever the batch size.
DISPATCH_CHUNK = 500
DAILY_KINDS = tuple(k for k in Kind.values if k not in HOURLY_KINDS)


def opted_out(user_ids, kinds) -> set[tuple[int, str]]:
    return set(
        NotificationPreference.objects.filter(
            user_id__in=user_ids, kind__in=kinds, enabled=False
        ).values_list("user_id", "kind")
    )


def reminders_record(*, dues: list[Due]) -> list[Due]:
    """Insert the occasions not recorded before and return them (re-runs add nothing).

    The unique (recipient, kind, key) constraint settles races between two sweeps.
    """
    if not dues:
        return []
    skip = opted_out({d.recipient_id for d in dues}, {d.kind for d in dues})
    seen = set(
        Reminder.objects.filter(
            recipient_id__in={d.recipient_id for d in dues}, key__in={d.key for d in dues}
        ).values_list("recipient_id", "kind", "key")
    )
    new = [
        d
        for d in dues
        if (d.recipient_id, d.kind) not in skip and (d.recipient_id, d.kind, d.key) not in seen
    ]
    Reminder.objects.bulk_create(
        [
            Reminder(
                recipient_id=d.recipient_id,
                organisation_id=d.organisation_id,
                kind=d.kind,
                key=d.key,
                due_on=d.due_on,
                title=d.title[:300],
                detail=d.detail,
                url=d.url[:500],
                sort_key=d.sort_key,
            )
            for d in new
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return new


def reminders_collect(*, day: dt.date, organisation_ids: list[int]) -> list[Due]:
    dues: list[Due] = []
    for collector in COLLECTORS:
        dues.extend(collector(day, organisation_ids))
    return dues


def _chunks(ids: list[int], size: int):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def reminders_dispatch(
    *,
    day: dt.date,
    recipient_ids: list[int] | None = None,
    kinds: tuple[str, ...] | None = None,
    slot: int = 0,
) -> list[int]:
    """Attach waiting reminders to today's email per person and kind; return emails to send.

    `kinds=None` is the daily kinds (every kind but HOURLY_KINDS), each in slot 0. The
    hourly sweep passes its own kinds and the hour as `slot`, so an hourly kind gets at most
    one email per person per hour and never picks up a daily kind's waiting reminders.

    Waiting: not sent, and never attached or attached to an email that went out without
    them (they arrived after it was claimed). If today's email of that kind has already
    gone, they wait for tomorrow: one email per kind per day at most.

    Done in chunks of DISPATCH_CHUNK recipients, each its own transaction of four
    statements that name the chunk's recipients, so every one is an index lookup by
    recipient whatever the tables hold or what the planner knows of them (docs: README,
    Benchmarks). `recipient_ids=None` means everyone with a reminder not yet sent.
    """
    kinds = tuple(kinds) if kinds is not None else DAILY_KINDS
    if recipient_ids is None:
        recipient_ids = list(
            Reminder.objects.filter(sent_at__isnull=True, kind__in=kinds)
            .order_by()
            .values_list("recipient_id", flat=True)
            .distinct()
        )
    email_ids: list[int] = []
    for chunk in _chunks(sorted(set(recipient_ids)), DISPATCH_CHUNK):
        email_ids += _dispatch_chunk(day, chunk, kinds, slot)
    return email_ids


@transaction.atomic
def _dispatch_chunk(
    day: dt.date, recipient_ids: list[int], kinds: tuple[str, ...], slot: int
) -> list[int]:
    unsent = Reminder.objects.filter(
        recipient_id__in=recipient_ids, sent_at__isnull=True, kind__in=kinds
    )
    # The email's fields by subqueries on its primary key, not by a join: with the
    # statistics of a table that was small (a new install, or the day's first sweep filling
    # it) the planner joined every reminder to every email (36 s for one chunk at 20,000
    # homes). A subquery in the select list is looked up row by row, whatever it estimates.
    email = ReminderEmail.objects.filter(pk=OuterRef("email_id"))
    rows = unsent.annotate(
        email_status=Subquery(email.values("status")),
        email_day=Subquery(email.values("day")),
        email_slot=Subquery(email.values("slot")),
    ).values_list("recipient_id", "kind", "email_id", "email_status", "email_day", "email_slot")
    pairs, pending = set(), set()
    for recipient_id, kind, email_id, status, email_day, email_slot in rows.order_by():
        if email_id is None or status == EmailStatus.SENT:
            pairs.add((recipient_id, kind))
        elif status == EmailStatus.PENDING and email_day == day and email_slot == slot:
            pending.add(email_id)  # attached before; its send task may have been lost
    if pairs:
        ReminderEmail.objects.bulk_create(
            [ReminderEmail(recipient_id=r, kind=k, day=day, slot=slot) for r, k in sorted(pairs)],
            ignore_conflicts=True,
        )
        pending.update(_attach_to_todays_email(day, sorted({r for r, _ in pairs}), kinds, slot))
    return sorted(pending)


def _attach_to_todays_email(
    day: dt.date, recipient_ids: list[int], kinds: tuple[str, ...], slot: int
) -> set[int]:
    """One UPDATE attaching each waiting reminder of `recipient_ids` and `kinds` to today's
    pending email of its person and kind in `slot`; returns the emails.

    Today's email is found by a correlated subquery on the email's unique key (person, kind,
    day, slot), not by joining the tables: the database looks it up by that index for each
    reminder whatever it believes the tables hold, so a stale estimate cannot turn it into a
    join of every reminder with every email; the email a reminder went out with is looked up
    by its primary key the same way (an EXISTS could become a scan of every sent email)."""
    reminder, email = Reminder._meta.db_table, ReminderEmail._meta.db_table
    ids = ", ".join(["%s"] * len(recipient_ids))
    kind_marks = ", ".join(["%s"] * len(kinds))
    todays = f"""(SELECT e.id FROM {email} AS e
        WHERE e.recipient_id = r.recipient_id AND e.kind = r.kind
          AND e.day = %s AND e.slot = %s AND e.status = %s)"""  # noqa: S608 - model tables
    sql = f"""
        UPDATE {reminder} AS r SET email_id = {todays}
        WHERE r.recipient_id IN ({ids}) AND r.kind IN ({kind_marks})
          AND r.sent_at IS NULL
          AND (r.email_id IS NULL
               OR (SELECT gone.status FROM {email} AS gone WHERE gone.id = r.email_id) = %s)
          AND {todays} IS NOT NULL
        RETURNING email_id
    """  # noqa: S608 - table names from the models, values as parameters
    today = [day, slot, EmailStatus.PENDING]
    params = [*today, *recipient_ids, *kinds, EmailStatus.SENT, *today]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def emails_to_rescue(*, day: dt.date, kinds: tuple[str, ...] | None = None) -> list[int]:
    """Emails whose send task was lost: claimed by a worker that died, or never picked up
    (of `kinds` only, when given: the hourly sweep rescues its own)."""
    now = timezone.now()
    emails = ReminderEmail.objects.filter(
        Q(status=EmailStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
        | Q(status=EmailStatus.PENDING, created_at__lt=now - STALE_CLAIM),
        day__gte=day - dt.timedelta(days=7),
    )
    if kinds is not None:
        emails = emails.filter(kind__in=kinds)
    return list(emails.values_list("pk", flat=True))


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if data.get("k") not in Kind.values:
        return None
    return data["u"], data["k"]


def preference_set(*, user, kind: str, enabled: bool) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"enabled": enabled}
    )


def email_claim(email_id: int) -> ReminderEmail | None:
    """Claim the email for sending; None if it is sent, failed or being sent by someone else."""
    now = timezone.now()
    # Its own committed transaction: no later error in the caller can undo the claim.
    with transaction.atomic(durable=True):
        claimed = ReminderEmail.objects.filter(
            Q(status=EmailStatus.PENDING)
            | Q(status=EmailStatus.SENDING, claimed_at__lt=now - STALE_CLAIM),
            pk=email_id,
        ).update(status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    return ReminderEmail.objects.select_related("recipient").get(pk=email_id)


def _breach_clocks_still_running(reminders: list[Reminder]) -> list[Reminder]:
    """Drop (delete) the breach reminders whose breach has since had its reporting decision
    recorded or was removed: a late retry never chases a clock that has stopped."""
    stopped = breach_reminders_stopped(reminders)
    if stopped:
        Reminder.objects.filter(pk__in=stopped, sent_at__isnull=True).delete()
    return [r for r in reminders if r.pk not in stopped]


@dataclass
class Rendered:
    message: object
    reminder_ids: list[int]


def email_render(email: ReminderEmail) -> Rendered | None:
    reminders = list(email.reminders.filter(sent_at__isnull=True).select_related("organisation"))
    if email.kind == Kind.BREACH_CLOCK:
        reminders = _breach_clocks_still_running(reminders)
    if not reminders:
        return None
    token = unsubscribe_token(email.recipient_id, email.kind)
    unsubscribe_url = settings.SITE_URL + reverse("reminders:unsubscribe", args=[token])
    by_org = defaultdict(list)
    for r in reminders:
        by_org[r.organisation.name if r.organisation else ""].append(r)
    context = {
        "recipient": email.recipient,
        "kind": Kind(email.kind),
        "kind_help": KIND_HELP[Kind(email.kind)],
        "reminders": reminders,
        "groups": sorted(by_org.items()),
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": settings.SITE_URL + reverse("reminders:preferences"),
    }
    message = build_email(
        f"reminder_{email.kind}",
        to=[email.recipient.email],
        context=context,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return Rendered(message=message, reminder_ids=[r.pk for r in reminders])


def email_mark_sent(
    email_id: int, reminder_ids: list[int], *, sent_at: dt.datetime, subject: str
) -> None:
    """The email and the reminders in it went out: one transaction, so neither is resent."""
    with transaction.atomic():
        ReminderEmail.objects.filter(pk=email_id).update(
            status=EmailStatus.SENT, sent_at=sent_at, subject=subject[:300], last_error=""
        )
        Reminder.objects.filter(pk__in=reminder_ids).update(sent_at=sent_at)


def email_mark_sent_empty(email: ReminderEmail) -> None:
    """Nothing left to say (e.g. every reminder went out earlier): drop the empty email."""
    ReminderEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).delete()


def email_release(email_id: int, error: str) -> None:
    """Give a failed attempt back so a retry can claim it."""
    ReminderEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.PENDING, last_error=error[:2000]
    )


def email_mark_failed(email_id: int, error: str) -> None:
    ReminderEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.FAILED, last_error=error[:2000]
    )


def recipients_of(dues: list[Due]) -> list[int]:
    return sorted({d.recipient_id for d in dues})
