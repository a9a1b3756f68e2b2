"""The consultant portfolio as a PDF: the portfolio page's rows, rendered by reports."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from assessments.models import AssessmentStatus
from reports.content import coverage_facts, fmt_date

from .portfolio import PortfolioFilters, portfolio_rows


def _home(row) -> dict:
    """One home of the portfolio report, from the same row the portfolio page shows."""
    organisation, assessment, outcome = row.organisation, row.assessment, row.outcome
    home = {"name": organisation.name, "ods_code": organisation.ods_code, "slug": organisation.slug}
    home |= {
        "outcome_label": row.outcome_label,
        "documents_overdue": row.documents_overdue,
        "overdue_actions": row.actions_overdue,
        "behind_schedule": row.behind_schedule,
        "days_to_deadline": row.days_to_deadline,
        "last_activity": fmt_date(timezone.localtime(row.last_activity).date())
        if row.last_activity
        else "",
        "published": row.publication.text if row.publication else "",
        "published_out_of_date": bool(row.publication and row.publication.out_of_date),
    }
    if assessment is None:
        return {**home, "started": False, "outcome": "Not started", "percent": 0, "blockers": []}
    return {
        **home,
        "started": True,
        "year_label": assessment.year_label,
        "status": AssessmentStatus(assessment.status).label,
        "outcome": outcome.label,
        "headline": outcome.headline,
        "coverage": coverage_facts(outcome.coverage),
        "answered": outcome.answered_mandatory,
        "total": outcome.total_mandatory,
        "percent": outcome.percent_mandatory_done,
        "blockers": [
            {"ref": r.item.ref, "summary": r.item.summary} for r in outcome.blockers_for_next
        ],
        "next_label": outcome.next_label,
        "overdue_actions": row.actions_overdue,
        "documents_overdue": row.documents_overdue,
        "behind_schedule": row.behind_schedule,
        "expected_percent": row.expected_percent,
        "last_activity": fmt_date(timezone.localtime(row.last_activity).date())
        if row.last_activity
        else "",
        "days_to_deadline": row.days_to_deadline,
        "deadline": fmt_date(row.deadline),
        "by_standard": [
            {"label": p.label, "answered": p.answered, "total": p.total, "percent": p.percent}
            for p in outcome.by_standard
        ],
    }


def portfolio_data(user, *, today: dt.date | None = None, query=None) -> dict:
    """One row per home in the user's portfolio: the homes, order, columns and counts of the
    portfolio page (`dashboards.portfolio`) with the same filters and sort (`query`, the
    page's query string), in a constant number of queries."""
    rows = portfolio_rows(user, today=today, full=True)
    filters = PortfolioFilters.from_query(query or {})
    shown = filters.apply(rows)
    generated = timezone.localtime()
    return {
        "person": (user.full_name or user.email) if user else "",
        "generated_at": generated.isoformat(),
        "generated_on": fmt_date(generated.date()),
        "homes": [_home(row) for row in shown],
        "all_count": len(rows),
        "filtered": filters.active,
        "behind_count": sum(r.behind_schedule for r in rows),
        "overdue_count": sum(r.has_overdue for r in rows),
        "expected_percent": rows[0].expected_percent if rows else 0,
    }
