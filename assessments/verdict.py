"""Whether an answered item really counts on the publication date (docs/dspt-rules.md).

An item counts toward the outcome when it is answered (`Response.is_answered`) AND:

- its evidence is inside its time window: items with `valid_months` (reviews, spot checks,
  continuity and backup tests, training needs analysis: 12 months; policy updates: 36)
  count only when the evidence date is on or after the same day that many months before
  the publication date. The evidence date is the date captured beside the answer, else the
  latest date written in the answer (not after the publication date; "March 2019" means
  the end of March 2019), else the latest review date of a linked document. No date: it
  does not count;
- the portal's own figures agree: 3.2.1 with people in scope on the training register
  needs at least 95.0% of them trained in the 12 months before publication, whatever the
  tick says (without a register, a percentage typed below 95 does not count);
- no document it relies on (linked to it) was overdue for review on the publication date;
- the portal's registers agree, for a register with entries (docs/dspt-rules.md,
  "Registers"): 6.1.2 needs every breach found in the 12 months before publication signed
  off by management, 6.1.3 every high-risk one told to the people affected; 7.1.1 needs the
  IT register checked in those 12 months; 8.1.4 and 8.2.1 need a risk record for every
  unsupported system in use; 1.1.2 needs the information asset register reviewed by
  management in those 12 months, 7.2.1 a continuity plan test in them; 4.3.1 needs an
  agreement for every supplier with administrator access; 4.5.3 needs every system the IT
  register shows with multi-factor authentication off named in the answer (an approved
  exception), 9.5.2 every unencrypted laptop, tablet or phone named in it (its equivalent
  arrangement). "Not applicable" does not count against a register that shows breaches
  (6.1.2, 6.1.3), unsupported systems (8.1.4, 8.2.1) or tablets and phones (9.5.2).

Evidence that counts now but goes out of date before the deadline is reported with the
first day it no longer counts. Pure functions: no queries beyond what callers prefetch.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from dspt_portal.dates import add_months

TRAINING_REF = "3.2.1"
TRAINING_TARGET = 95

MONTH_NAMES = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTH_NAMES, key=len, reverse=True))
_YEAR = r"((?:19|20)\d{2})"
_DATE_PATTERNS = [
    # 2026-03-12
    (re.compile(r"\b((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})\b"), "ymd"),
    # 12/03/2026, 12.3.26, 12-03-2026 (UK order)
    (re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-]((?:19|20)?\d{2})\b"), "dmy"),
    # 12 March 2026, 12th Mar 2026
    (
        re.compile(
            rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+((?:19|20)\d{{2}})\b", re.I
        ),
        "dMy",
    ),
    # March 12, 2026
    (
        re.compile(
            rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})\b", re.I
        ),
        "Mdy",
    ),
    # March 2026
    (re.compile(rf"\b({_MONTH})\.?,?\s+((?:19|20)\d{{2}})\b", re.I), "My"),
    # 2026 on its own
    (re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(?!\d|[/.-]\d)"), "y"),
]


def _safe_date(year: int, month: int, day: int | None) -> dt.date | None:
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        return None
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return dt.date(year, month, last)
    if not 1 <= day <= last:
        return None
    return dt.date(year, month, day)


def dates_in(text: str) -> list[dt.date]:
    """Every date written in `text`. Partial dates mean their last day ("March 2019" is
    31 March 2019, "2023" is 31 December 2023): the most generous reading."""
    found: list[dt.date] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _DATE_PATTERNS:
        for m in pattern.finditer(text or ""):
            if any(start < m.end() and m.start() < end for start, end in taken):
                continue
            g = m.groups()
            if kind == "ymd":
                day = _safe_date(int(g[0]), int(g[1]), int(g[2]))
            elif kind == "dmy":
                year = int(g[2]) + (2000 if len(g[2]) == 2 else 0)
                day = _safe_date(year, int(g[1]), int(g[0]))
            elif kind == "dMy":
                day = _safe_date(int(g[2]), MONTH_NAMES[g[1].lower()], int(g[0]))
            elif kind == "Mdy":
                day = _safe_date(int(g[2]), MONTH_NAMES[g[0].lower()], int(g[1]))
            elif kind == "My":
                day = _safe_date(int(g[1]), MONTH_NAMES[g[0].lower()], None)
            else:
                day = _safe_date(int(g[0]), 12, None)
            if day:
                found.append(day)
                taken.append((m.start(), m.end()))
    return found


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def window_label(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return "12 months" if years == 1 else f"{years} years"
    return f"{months} months"


@dataclass(frozen=True)
class Facts:
    """What the outcome needs beyond the answers: the publication date it is projected
    for, the deadline, and the portal's own registers."""

    on: dt.date
    deadline: dt.date
    cyber_essentials_plus_expires_on: dt.date | None = None
    # evidence.training.TrainingSummary on `on`, or None when nobody is on the register.
    training: object | None = None
    # registers.figures.RegisterFigures on `on` (each register None while it is empty).
    registers: object | None = None

    @property
    def has_cyber_essentials_plus(self) -> bool:
        expires = self.cyber_essentials_plus_expires_on
        return bool(expires and expires >= self.on)

    @property
    def exceeded_lapses_on(self) -> dt.date | None:
        """The certificate's expiry when it is valid now but not on the deadline."""
        expires = self.cyber_essentials_plus_expires_on
        if self.has_cyber_essentials_plus and self.on < self.deadline and expires < self.deadline:
            return expires
        return None


@dataclass
class ItemCheck:
    """Why an answered item does (not) count, and when it stops counting."""

    counts: bool = True
    reasons: list[str] = field(default_factory=list)
    # First day the evidence no longer counts, when that is on or before the deadline.
    out_of_date_from: dt.date | None = None
    lapse_reasons: list[str] = field(default_factory=list)

    def fail(self, reason: str) -> None:
        self.counts = False
        self.reasons.append(reason)

    def lapses(self, day: dt.date, reason: str) -> None:
        if self.out_of_date_from is None or day < self.out_of_date_from:
            self.out_of_date_from = day
        self.lapse_reasons.append(reason)


def evidence_date(response, on: dt.date) -> dt.date | None:
    """The date the item's evidence was last done or reviewed (see the module docstring)."""
    if response.answer_date:
        return response.answer_date
    written = [d for d in dates_in(f"{response.answer_text}\n{response.narrative}") if d <= on]
    if written:
        return max(written)
    reviewed = [
        link.document.last_reviewed_on
        for link in response.document_links.all()
        if link.document.last_reviewed_on and link.document.last_reviewed_on <= on
    ]
    return max(reviewed) if reviewed else None


def _window(r, facts: Facts, check: ItemCheck) -> None:
    months = r.item.valid_months
    when = evidence_date(r, facts.on)
    span = window_label(months)
    if when is None:
        check.fail(
            f"No date given: this counts only if it was done in the {span} before you "
            "publish. Add the date it was last done."
        )
        return
    first_valid = add_months(facts.on, -months)
    if when < first_valid:
        check.fail(
            f"Last done {long_date(when)}, more than {span} before publication "
            f"({long_date(facts.on)}). Do it again and record the new date."
        )
        return
    out_from = add_months(when, months) + dt.timedelta(days=1)
    if out_from <= facts.deadline:
        check.lapses(
            out_from,
            f"Done {long_date(when)}: out of date from {long_date(out_from)}, before the "
            f"{long_date(facts.deadline)} deadline",
        )


def _joined(names: list[str], limit: int = 10) -> str:
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _training(r, facts: Facts, check: ItemCheck) -> None:
    summary = facts.training
    if summary is not None and summary.in_scope_count:
        if not summary.meets_target:
            names = summary.missing_names
            check.fail(
                f"Training register: {summary.percentage:.1f}% of {summary.in_scope_count} "
                f"people trained in the 12 months before {long_date(facts.on)} (at least "
                f"{TRAINING_TARGET}% needed). Not trained: {_joined(names)}."
            )
            return
        # Still at 95% on the deadline once the expiring people have lapsed?
        spare = summary.trained_count - -(-TRAINING_TARGET * summary.in_scope_count // 100)
        lapsing = sorted(summary.expiring, key=lambda s: s.valid_until)
        if len(lapsing) > spare:
            person = lapsing[spare]
            out_from = person.valid_until + dt.timedelta(days=1)
            check.lapses(
                out_from,
                f"Training register drops below {TRAINING_TARGET}% on {long_date(out_from)} "
                f"unless {_joined([s.name for s in lapsing[spare:]])} refresh their training",
            )
        return
    if r.answer_number is not None and r.answer_number < TRAINING_TARGET:
        check.fail(f"{r.answer_number:.1f}% trained is below the {TRAINING_TARGET}% needed.")


def _documents(r, facts: Facts, check: ItemCheck) -> None:
    for link in r.document_links.all():
        doc = link.document
        due = doc.next_review_due
        if due is None:
            continue
        if due < facts.on:
            check.fail(f"'{doc.title}' was due for review on {long_date(due)}.")
        elif due < facts.deadline:
            check.lapses(
                due + dt.timedelta(days=1),
                f"'{doc.title}' is due for review on {long_date(due)}, before the deadline",
            )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _breaches_signed_off(r, facts: Facts, check: ItemCheck) -> None:
    log = facts.registers.breaches
    if log is None:
        return
    since = f"in the 12 months before {long_date(facts.on)}"
    if r.not_applicable and log.total:
        check.fail(
            f"'Not applicable' means no breaches, but the breach log has "
            f"{_plural(log.total, 'breach', 'breaches')} {since}."
        )
    if log.not_signed_off:
        check.fail(
            f"Breach log: no management sign-off recorded for {_joined(log.not_signed_off)}. "
            "Record who approved the actions and when."
        )


def _breaches_told(r, facts: Facts, check: ItemCheck) -> None:
    log = facts.registers.breaches
    if log is None:
        return
    if r.not_applicable and log.high_risk:
        check.fail(
            "'Not applicable' means no high-risk breach, but the breach log has "
            f"{log.high_risk} in the 12 months before {long_date(facts.on)}."
        )
    if log.high_risk_not_told:
        check.fail(
            f"Breach log: the people affected by {_joined(log.high_risk_not_told)} (high risk) "
            "have not been recorded as told."
        )


def _it_register_reviewed(r, facts: Facts, check: ItemCheck) -> None:
    assets = facts.registers.assets
    if assets is None or r.not_applicable:
        return
    last = assets.last_checked_on
    if assets.is_stale:
        check.fail(
            f"IT register: last checked on {long_date(last)}, more than 12 months before "
            f"{long_date(facts.on)}. Check each entry and record the date."
            if last
            else "IT register: no entry has been checked. Check each entry and record the date."
        )
        return
    out_from = add_months(last, 12) + dt.timedelta(days=1)
    if out_from <= facts.deadline:
        check.lapses(out_from, f"IT register last checked {long_date(last)}")


def _information_reviewed(r, facts: Facts, check: ItemCheck) -> None:
    register = facts.registers.information
    if register is None or r.not_applicable:
        return
    last = register.last_reviewed_on
    if register.is_stale:
        check.fail(
            f"Information asset register: last reviewed by management on {long_date(last)}, "
            f"more than 12 months before {long_date(facts.on)}."
            if last
            else "Information asset register: no management review recorded."
        )
        return
    out_from = add_months(last, 12) + dt.timedelta(days=1)
    if out_from <= facts.deadline:
        check.lapses(out_from, f"Information asset register last reviewed {long_date(last)}")


def _continuity_tested(r, facts: Facts, check: ItemCheck) -> None:
    tests = facts.registers.continuity
    if tests is None or r.not_applicable:
        return
    last = tests.last_tested_on
    if tests.is_stale:
        check.fail(
            f"Continuity plan tests: last tested on {long_date(last)}, more than 12 months "
            f"before {long_date(facts.on)}."
            if last
            else "Continuity plan tests: none recorded on or before the publication date."
        )
        return
    out_from = add_months(last, 12) + dt.timedelta(days=1)
    if out_from <= facts.deadline:
        check.lapses(out_from, f"Continuity plan last tested {long_date(last)}")


def _unsupported_systems(r, facts: Facts, check: ItemCheck) -> None:
    assets = facts.registers.assets
    if assets is None:
        return
    if r.not_applicable and assets.unsupported:
        check.fail(
            "'Not applicable' means nothing unsupported, but the IT register lists "
            f"{_joined(assets.unsupported)}."
        )
    elif assets.unsupported_without_risk:
        check.fail(
            f"IT register: {_joined(assets.unsupported_without_risk)} "
            f"{'is' if len(assets.unsupported_without_risk) == 1 else 'are'} no longer "
            "supported by the maker and no risk record is kept (8.2.1). Replace or record it."
        )


def _not_named_in(r, names: list[str]) -> list[str]:
    """The names the answer does not mention (an approved exception or an equivalent
    arrangement is listed by name in the answer or the notes)."""
    text = f"{r.answer_text}\n{r.narrative}".casefold()
    return [n for n in names if n.strip().casefold() not in text]


def _mfa_everywhere(r, facts: Facts, check: ItemCheck) -> None:
    assets = facts.registers.assets
    if assets is None or r.not_applicable:
        return
    unlisted = _not_named_in(r, assets.mfa_off)
    if unlisted:
        one = len(unlisted) == 1
        check.fail(
            f"IT register: multi-factor authentication is off for {_joined(unlisted)}, and "
            f"the answer does not list {'it' if one else 'them'} as an approved exception. "
            "Switch MFA on, or name each exception in the answer with who approved it and "
            "when."
        )


def _devices_encrypted(r, facts: Facts, check: ItemCheck) -> None:
    assets = facts.registers.assets
    if assets is None:
        return
    if r.not_applicable:
        if assets.tablets_and_phones:
            check.fail(
                "'Not applicable' means no laptops, tablets or removable media, but the IT "
                f"register lists {_joined(list(assets.tablets_and_phones))}."
            )
        return
    unlisted = _not_named_in(r, assets.not_encrypted)
    if unlisted:
        one = len(unlisted) == 1
        check.fail(
            f"IT register: {_joined(unlisted)} {'is' if one else 'are'} not encrypted, and "
            f"the answer does not say how {'it is' if one else 'they are'} protected instead. "
            f"Encrypt {'it' if one else 'them'}, or name {'it' if one else 'each'} in the "
            "answer with the equivalent arrangement (e.g. nothing stored on it, remote wipe)."
        )


def _admin_agreements(r, facts: Facts, check: ItemCheck) -> None:
    suppliers = facts.registers.suppliers
    if suppliers is None or not suppliers.admin_without_agreement:
        return
    check.fail(
        f"Supplier register: {_joined(suppliers.admin_without_agreement)} "
        f"{'has' if len(suppliers.admin_without_agreement) == 1 else 'have'} administrator "
        "access and no higher-standard agreement is recorded."
    )


REGISTER_CHECKS = {
    "1.1.2": _information_reviewed,
    "4.3.1": _admin_agreements,
    "4.5.3": _mfa_everywhere,
    "6.1.2": _breaches_signed_off,
    "6.1.3": _breaches_told,
    "7.1.1": _it_register_reviewed,
    "7.2.1": _continuity_tested,
    "8.1.4": _unsupported_systems,
    "8.2.1": _unsupported_systems,
    "9.5.2": _devices_encrypted,
}


def item_check(response, facts: Facts) -> ItemCheck:
    """Whether this answered response counts on `facts.on` (call only when answered)."""
    check = ItemCheck()
    register_check = REGISTER_CHECKS.get(response.item.ref)
    if register_check is not None and facts.registers is not None:
        register_check(response, facts, check)
    if response.not_applicable:
        return check
    if response.item.ref == TRAINING_REF:
        _training(response, facts, check)
    if response.item.valid_months:
        _window(response, facts, check)
    _documents(response, facts, check)
    return check
