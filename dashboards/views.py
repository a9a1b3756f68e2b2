"""The organisation home page, the consultant portfolio (across homes, no organisation in the
URL) and the platform view."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_scopes import scopes_disabled

from assessments.services import register_changes
from organisations.models import Organisation
from outbox.models import Email
from reminders.models import ReminderEmail
from reports.render import portfolio_pdf as render_portfolio_pdf

from . import read_models
from .portfolio import (
    PortfolioFilters,
    heat_rows,
    ig_lead_reminders_request,
    portfolio_csv,
    portfolio_rows,
    request_has_portfolio,
    standard_columns,
)
from .portfolio_report import portfolio_data

PER_PAGE = 25


def _key_people_load(organisation) -> None:
    """The IG lead and senior accountable person the page names, in one query."""
    ids = {organisation.ig_lead_id, organisation.senior_accountable_person_id} - {None}
    people = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)} if ids else {}
    for name in ("ig_lead", "senior_accountable_person"):
        person = people.get(getattr(organisation, f"{name}_id"))
        if person is not None:
            setattr(organisation, name, person)


def home(request: HttpRequest, org: str) -> HttpResponse:
    """What a care manager sees first: the projected outcome and one clear next step."""
    organisation = request.organisation
    board = read_models.home_dashboard(organisation)
    _key_people_load(organisation)
    return render(
        request,
        "dashboards/home.html",
        {
            "board": board,
            "sites": organisation.sites.all(),
            "has_portfolio": request_has_portfolio(request),
            # Since the latest publication (the board's), as `register_changes` counts it.
            "changes": board.changes,
        },
    )


@require_GET
def changes(request: HttpRequest, org: str) -> HttpResponse:
    """Every register entry added or changed since the last publication (or 1 July)."""
    return render(
        request, "dashboards/changes.html", {"changes": register_changes(request.organisation)}
    )


def _url_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _selected_ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("org") if v.isascii() and v.isdigit()]


def _back_to_portfolio(request: HttpRequest) -> str:
    """The portfolio page the form was on (its filters and page), never anywhere else."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}) or not back.startswith(
        reverse("organisations:portfolio")
    ):
        back = reverse("organisations:portfolio")
    return back


# (sort key, heading, numeric?) for the portfolio table.
COLUMNS = [
    ("name", "Home", False),
    ("outcome", "Projected outcome", False),
    ("done", "Mandatory done", True),
    ("blockers", "Items to next level", True),
    ("actions", "Actions overdue", True),
    ("documents", "Documents overdue", True),
    ("activity", "Last activity", False),
    ("days", "Days left", True),
]
SORT_CHOICES = [
    ("done", "Least done first"),
    ("-blockers", "Most items to next level first"),
    ("-documents", "Most documents overdue first"),
    ("outcome", "Outcome, lowest first"),
    ("name", "Name, A to Z"),
    ("ods", "ODS code"),
    ("activity", "Quietest first (oldest activity)"),
    ("-activity", "Most recent activity first"),
]
# Numbers of problems sort largest first on the first click; the rest the natural way.
LARGEST_FIRST = {"blockers", "actions", "documents", "activity"}


def _columns(query, current: str) -> list[dict]:
    """Each heading with the link that sorts by it (again to reverse) and its aria-sort."""
    columns = []
    for key, label, numeric in COLUMNS:
        first = f"-{key}" if key in LARGEST_FIRST else key
        flipped = first[1:] if first.startswith("-") else f"-{first}"
        link = query.copy()
        link["sort"] = flipped if current == first else first
        state = {key: "ascending", f"-{key}": "descending"}.get(current, "")
        columns.append(
            {
                "key": key,
                "label": label,
                "numeric": numeric,
                "link": link.urlencode(),
                "sort": state,
            }
        )
    return columns


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    """Every home the user advises, the ones furthest behind first."""
    rows = portfolio_rows(request.user)
    if not rows:
        raise Http404("You have no portfolio.")
    filters = PortfolioFilters.from_query(request.GET)
    shown = filters.apply(rows)
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    standards = standard_columns(page.object_list)
    return render(
        request,
        "dashboards/portfolio.html",
        {
            "page": page,
            "rows": rows,
            "shown": shown,
            "filters": filters,
            "standards": standards,
            "heat_rows": heat_rows(page.object_list, standards),
            "outcome_choices": read_models.OUTCOME_CHOICES,
            "behind_count": sum(r.behind_schedule for r in rows),
            "overdue_count": sum(r.has_overdue for r in rows),
            "query": query.urlencode(),
            "columns": _columns(query, filters.sort),
            "sort_choices": SORT_CHOICES,
            "report_url": _url_or_empty("reports_public:portfolio_pdf"),
            "today": timezone.localdate(),
            "expected_percent": rows[0].expected_percent,
            "coverage_texts": sorted(
                {r.outcome.coverage_text for r in rows if r.outcome and r.outcome.is_partial}
            ),
        },
    )


@login_required
def portfolio_export(request: HttpRequest) -> HttpResponse:
    """CSV of the selected homes (POST), or of every home matching the filters (GET)."""
    rows = portfolio_rows(request.user)
    if request.method == "POST":
        selected = set(_selected_ids(request))
        if not selected:
            # A file with only the column names helps nobody: say what to do instead.
            messages.error(request, "Tick at least one home to export.")
            return redirect(_back_to_portfolio(request))
        rows = [r for r in rows if r.organisation.pk in selected]
    else:
        rows = PortfolioFilters.from_query(request.GET).apply(rows)
    response = HttpResponse(portfolio_csv(rows), content_type="text/csv; charset=utf-8")
    name = f"dspt-portfolio-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def portfolio_remind(request: HttpRequest) -> HttpResponse:
    """Queue a reminder email to the IG lead of each selected home (once a day per home)."""
    back = _back_to_portfolio(request)
    ids = _selected_ids(request)
    if not ids:
        messages.error(request, "Tick at least one home to send a reminder.")
        return redirect(back)
    result = ig_lead_reminders_request(user=request.user, organisation_ids=ids, request=request)
    if result.queued:
        names = ", ".join(o.name for o in result.queued)
        messages.success(request, f"Reminder on its way to the IG lead of: {names}.")
    for org, reason in result.skipped:
        messages.warning(request, f"No reminder for {org.name}: {reason}.")
    if not result.queued and not result.skipped:
        messages.error(request, "None of the homes you ticked are in your portfolio.")
    return redirect(back)


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_staff:
        # The same answer as for a page that does not exist: non-staff never learn of it.
        raise Http404("No such page.")


def _reminder_counts(since: dt.datetime) -> dict:
    """Reminder emails by status since `since`."""
    return dict(
        ReminderEmail.objects.filter(created_at__gte=since)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )


@login_required
def platform(request: HttpRequest) -> HttpResponse:
    """For platform staff: how organisations stand, reminders, and who signed up lately."""
    _staff_only(request)
    today = timezone.localdate()
    since = timezone.now() - dt.timedelta(days=30)
    with scopes_disabled():
        counts = read_models.outcome_counts(today)
        portfolio_reminders = dict(
            Email.objects.filter(name="portfolio_reminder", created_at__gte=since)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
    context = {
        "total": sum(counts.values()),
        "by_outcome": [
            (key, label, counts[key], read_models.OUTCOME_TAGS[key])
            for key, label in read_models.OUTCOME_CHOICES
        ],
        "reminder_emails": _reminder_counts(since),
        "portfolio_reminders": portfolio_reminders,
        "new_users": get_user_model().objects.order_by("-date_joined")[:10],
        "new_organisations": Organisation.objects.order_by("-created_at")[:10],
        "since": since,
    }
    return render(request, "dashboards/platform.html", context)


# ---------------------------------------------------------------- consultant portfolio PDF


@login_required
@require_GET
def portfolio_pdf(request: HttpRequest) -> HttpResponse:
    """Every home in the user's portfolio, as one PDF (rendered now)."""
    data = portfolio_data(request.user, query=request.GET)
    if not data["all_count"]:
        raise Http404("You have no portfolio.")
    name = f"DSPT portfolio report {timezone.localdate():%Y-%m-%d}.pdf"
    response = HttpResponse(render_portfolio_pdf(data), content_type="application/pdf")
    # Names come from organisation names: non-ASCII is sent as RFC 6266 filename*.
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
