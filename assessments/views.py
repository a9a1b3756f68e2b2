"""The checklist, an item, the warnings list, starting a year, and approval/publication."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from dspt_portal.deadlines import dspt_year_label
from organisations.access import require_role
from organisations.models import Role

from . import services, states
from .checks import assessment_warnings, context_for, response_warnings
from .forms import (
    ApproveForm,
    CommentForm,
    PublicationForm,
    ResponseForm,
    ReturnForm,
    StartForm,
)
from .history import answer_history
from .link_views import locked_page
from .models import (
    AssessmentStatus,
    CatalogueVersion,
    Category,
    ImprovementAction,
    Level,
    Response,
    ResponseStatus,
)
from .outcome import (
    assessment_outcome,
    coverage_of,
    has_published_before,
    links_with_documents,
    responses_for_outcome,
    training_for,
)
from .states import AssessmentLocked

# ---------------------------------------------------------------- helpers


def _members(organisation) -> list:
    return list(
        get_user_model()
        .objects.filter(memberships__organisation=organisation)
        .order_by("full_name", "email")
    )


def _current(organisation, year: str | None = None):
    """The assessment shown: the one for `year`, else the latest."""
    qs = organisation.assessments.select_related("catalogue", "organisation")
    if year and year.isascii() and year.isdigit():
        return qs.filter(dspt_year=int(year)).first()
    return qs.order_by("-dspt_year").first()


def _current_or_404(organisation):
    assessment = _current(organisation)
    if assessment is None:
        raise Http404("No assessment yet.")
    return assessment


def _responses(assessment):
    """Everything the checklist, outcome and checks read, in a constant number of queries."""
    return list(
        assessment.responses.select_related(
            "item", "item__standard", "item__assertion", "owner", "updated_by"
        )
        .prefetch_related(links_with_documents())
        .order_by("item__sort_key")
    )


def _year_label(catalogue) -> str:
    return dspt_year_label(services.current_dspt_year(catalogue)) if catalogue else ""


def _is_newer(candidate, current) -> bool:
    """A later year's checklist, or a revision of the same year's list loaded after it (a
    corrected list, or the official one: a loaded version is never changed in place)."""
    if candidate.pk == current.pk:
        return False
    return candidate.dspt_year > current.dspt_year or (
        candidate.dspt_year == current.dspt_year and candidate.loaded_at > current.loaded_at
    )


def _newest_catalogue():
    return CatalogueVersion.objects.order_by("-dspt_year", "-loaded_at").first()


FILTERS = ("category", "level", "status", "owner", "warnings")


def _matches(r, f: dict, warnings: dict, user) -> bool:
    if f["category"] and r.item.category != f["category"]:
        return False
    if f["level"] == "mandatory" and not r.item.is_mandatory:
        return False
    if f["level"] not in ("", "mandatory") and r.item.level != f["level"]:
        return False
    if f["status"] == "unanswered" and r.is_answered:
        return False
    if f["status"] not in ("", "unanswered") and r.status != f["status"]:
        return False
    if f["owner"] == "me" and r.owner_id != user.pk:
        return False
    if f["owner"] == "none" and r.owner_id is not None:
        return False
    if f["owner"].isascii() and f["owner"].isdigit() and r.owner_id != int(f["owner"]):
        return False
    return not (f["warnings"] and r.pk not in warnings)


def _row_urls(org_slug: str):
    """The item page and row-form URLs of a row, reversed once per page (not twice per row:
    reversing is a measurable part of rendering 50 rows)."""
    marker = 2147483647  # a pk no row has; replaced by each row's own

    def pattern(name: str) -> str:
        url = reverse(name, kwargs={"org": org_slug, "pk": marker})
        return url.replace("{", "{{").replace("}", "}}").replace(f"/{marker}/", "/{}/")

    item, form = pattern("assessments:item"), pattern("assessments:item_form")
    return lambda pk: {"item_url": item.format(pk), "form_url": form.format(pk)}


def _checklist_url(request: HttpRequest) -> str:
    """Where a checklist save goes back to: the page (with its filters) the row is on."""
    checklist_url = reverse("assessments:index", kwargs={"org": request.organisation.slug})
    if request.htmx and request.htmx.current_url_abs_path:
        return request.htmx.current_url_abs_path.split("#")[0]
    if request.GET:
        checklist_url += "?" + request.GET.urlencode()
    return checklist_url


def _checklist(request: HttpRequest, assessment) -> dict:
    """Context for the checklist page (and the pages that show its outcome panel).

    Rows carry no answer form: an editor opens a row to load its form (`item_form`)."""
    responses = _responses(assessment)
    previously = has_published_before(assessment)
    today = timezone.localdate()
    training = training_for(assessment, responses, today)  # for the outcome and the checks
    outcome = assessment_outcome(
        assessment, responses, previously_published=previously, today=today, training=training
    )
    warnings = assessment_warnings(assessment, responses, today=today, training=training)
    f = {name: request.GET.get(name, "") for name in FILTERS}
    editable = request.membership.can_edit and not assessment.is_locked
    everyone = _members(request.organisation) if request.membership.can_edit else []
    progress = {p.key: p for p in outcome.by_standard}
    checks = outcome.checks
    groups: dict[int, dict] = {}
    urls = _row_urls(request.organisation.slug)
    for r in responses:
        if not _matches(r, f, warnings, request.user):
            continue
        group = groups.setdefault(
            r.item.standard.number,
            {
                "standard": r.item.standard,
                "progress": progress[str(r.item.standard.number)],
                "rows": [],
            },
        )
        group["rows"].append(
            {
                **urls(r.pk),
                "response": r,
                "form": None,
                "warnings": warnings.get(r.pk, []),
                "check": checks.get(r.pk),
            }
        )
    mine = [r for r in responses if r.owner_id == request.user.pk and not r.is_answered]
    return {
        "checklist_url": _checklist_url(request),
        "assessment": assessment,
        "outcome": outcome,
        "groups": list(groups.values()),
        "warnings": warnings,
        "warning_count": sum(len(w) for w in warnings.values()),
        "filters": f,
        "filtered": any(f.values()),
        "editable": editable,
        "next_item": (outcome.blockers_for_next or [None])[0],
        "my_open_count": len(mine),
        "responses": responses,
        "members": everyone,
        "categories": Category.choices,
        "levels": Level.choices,
        "statuses": ResponseStatus.choices,
    }


# ---------------------------------------------------------------- pages


def index(request: HttpRequest, org: str) -> HttpResponse:
    """The checklist by standard, or the start page when there is no assessment yet."""
    assessment = _current(request.organisation, request.GET.get("year"))
    newest = _newest_catalogue()
    if assessment is None:
        context = {
            "catalogue": newest,
            "form": StartForm(),
            "start_label": _year_label(newest),
            "start_year": services.current_dspt_year(newest) if newest else None,
        }
        return render(request, "assessments/start.html", context)
    context = _checklist(request, assessment)
    if newest and services.current_dspt_year(newest) > assessment.dspt_year:
        context.update({"newer_catalogue": newest, "start_label": _year_label(newest)})
    elif newest and _is_newer(newest, assessment.catalogue):
        context["switch_catalogue"] = newest
    return render(request, "assessments/index.html", context)


@require_POST
@require_role(Role.EDITOR)
def start(request: HttpRequest, org: str) -> HttpResponse:
    catalogue = _newest_catalogue()
    form = StartForm(request.POST)
    if catalogue is None or not form.is_valid():
        messages.error(request, "No DSPT checklist is loaded yet. Ask platform support to load it.")
        return redirect("assessments:index", org=org)
    try:
        assessment = services.assessment_start(
            organisation=request.organisation,
            catalogue=catalogue,
            by=request.user,
            previously_published=form.cleaned_data["previously_published"],
            request=request,
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, f"Your {assessment.year_label} assessment is ready.")
    return redirect("assessments:index", org=org)


@require_POST
@require_role(Role.EDITOR)
def change_catalogue(request: HttpRequest, org: str) -> HttpResponse:
    """Move this year's answers onto the newest checklist loaded."""
    assessment = _current(request.organisation)
    catalogue = _newest_catalogue()
    if assessment is None or catalogue is None:
        raise Http404("No assessment to update.")
    try:
        services.assessment_change_catalogue(
            assessment=assessment, catalogue=catalogue, by=request.user, request=request
        )
    except AssessmentLocked as locked:
        return locked_page(request, locked, back=reverse("assessments:index", args=[org]))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            f"Your answers are now on the {catalogue.label} checklist. Check the items "
            "marked for review and answer any new ones.",
        )
    return redirect("assessments:index", org=org)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def item(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """One evidence item: guidance, answer form, warnings, documents and comments."""
    response = get_object_or_404(
        request.organisation.responses.select_related("assessment", "item"), pk=pk
    )
    if request.method == "POST":
        if not request.membership.can_edit:
            raise PermissionDenied("Your role does not allow this.")
        return _save(request, response)
    return _render_item(request, response)


@require_GET
def item_by_ref(request: HttpRequest, org: str, ref: str) -> HttpResponse:
    """The current assessment's answer to item `ref` (how registers link to the items they
    answer without knowing about assessments); the checklist when there is none."""
    assessment = _current(request.organisation)
    response = assessment.responses.filter(item__ref=ref).only("pk").first() if assessment else None
    if response is None:
        return redirect("assessments:index", org)
    return redirect("assessments:item", org, response.pk)


def _render_item(
    request, response, form=None, status=200, template="assessments/item.html", extra=None
):
    assessment = response.assessment
    context = _checklist(request, assessment)
    response = next(r for r in context["responses"] if r.pk == response.pk)
    if form is None and context["editable"]:
        form = ResponseForm(response=response, members=context["members"])
    context.update(
        {
            "response": response,
            "item": response.item,
            "form": form,
            "item_warnings": context["warnings"].get(response.pk, []),
            "item_check": context["outcome"].checks.get(response.pk),
            "comments": response.comments.select_related("author"),
            "comment_form": CommentForm(),
            "register": _register_for(response),
            "training": (training := _training_for(response)),
            "training_is_answer": training is not None
            and training.percentage is not None
            and response.answer_number == _as_decimal(training.percentage),
            "history": answer_history(response, _people(request.organisation, context)),
            **(extra or {}),
        }
    )
    return render(request, template, context, status=status)


def _people(organisation, context) -> dict[int, str]:
    members = context["members"] or _members(organisation)
    return {u.pk: u.full_name or u.email for u in members}


@require_POST
@require_role(Role.EDITOR)
def restore(request: HttpRequest, org: str, pk: int, record: int) -> HttpResponse:
    """Put back an earlier answer from the item's history (an audited change)."""
    response = get_object_or_404(
        request.organisation.responses.select_related("assessment", "item"), pk=pk
    )
    version = request.POST.get("version", "")
    try:
        services.response_restore(
            response=response,
            record_id=record,
            by=request.user,
            expected_version=int(version) if version.isascii() and version.isdigit() else None,
            request=request,
        )
    except services.AnswerChanged:
        messages.error(
            request,
            "Not restored: someone changed this answer after you opened the page. "
            "Check the latest answer and its history below, then try again.",
        )
    except AssessmentLocked as locked:
        return locked_page(request, locked, back=_item_url(org, response.pk))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, "The earlier answer is back. The change is in the history.")
    url = reverse("assessments:item", kwargs={"org": org, "pk": response.pk})
    return redirect(url + "#history")


def _item_url(org: str, pk: int) -> str:
    return reverse("assessments:item", kwargs={"org": org, "pk": pk})


def _as_decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# The items a register's live figures answer (registers/figures.py): which register, so the
# item page can show its figures (the verdict uses them through verdict.REGISTER_CHECKS).
REGISTER_ITEMS = {
    "1.1.2": "information",
    **dict.fromkeys(("7.1.2", "7.2.1"), "continuity"),
    **dict.fromkeys(("6.1.1", "6.1.2", "6.1.3"), "breaches"),
    **dict.fromkeys(("7.1.1", "8.1.4", "8.2.1", "4.5.3", "9.5.2", "7.3.4"), "assets"),
    **dict.fromkeys(("4.3.1", "10.1.2", "10.2.1", "10.2.2"), "suppliers"),
}


def _register_for(response) -> dict | None:
    """{"kind", "figures"} for an item a register answers (five queries), else None."""
    kind = REGISTER_ITEMS.get(response.item.ref)
    if kind is None:
        return None
    from registers.services import register_figures

    figures = register_figures(organisation=response.assessment.organisation)
    return {"kind": kind, "figures": getattr(figures, kind), "ref": response.item.ref}


def _training_for(response):
    """The training register's live figure for an item that asks for a percentage (3.2.1)."""
    if response.item.app_hint != "percentage":
        return None
    from .checks import training_summary_for

    # The same day the outcome counts it on: publishing today (docs/dspt-rules.md).
    return training_summary_for(
        response.assessment.organisation,
        timezone.localdate(),
        deadline=response.assessment.deadline,
    )


@require_POST
@require_role(Role.EDITOR)
def use_training(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Put the training register's percentage into the item's answer."""
    response = get_object_or_404(
        request.organisation.responses.select_related("assessment", "item"), pk=pk
    )
    summary = _training_for(response)
    if summary is None or summary.percentage is None:
        messages.error(request, "The training register has nobody in scope yet.")
    else:
        try:
            services.response_update(
                response=response,
                data={"answer_number": _as_decimal(summary.percentage)},
                by=request.user,
                request=request,
            )
        except AssessmentLocked as locked:
            return locked_page(request, locked, back=_item_url(org, pk))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(
                request, f"{summary.percentage}% from the training register is now the answer."
            )
    return redirect("assessments:item", org=org, pk=pk)


def _save(request: HttpRequest, response) -> HttpResponse:
    assessment = response.assessment
    from_checklist = request.POST.get("source") == "checklist"
    form = ResponseForm(request.POST, response=response, members=_members(request.organisation))
    saved = False
    # A locked assessment answers 409 with the reason beside the answer as typed.
    locked = assessment.is_locked
    if locked:
        form.add_error(None, assessment.locked_message())
    elif form.is_valid():
        try:
            services.response_update(
                response=response,
                data=form.cleaned_data,
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
                request=request,
            )
            saved = True
        except AssessmentLocked as refused:  # sent or approved since the page was opened
            form.add_error(None, refused)
            locked = True
        except services.AnswerChanged as stale:
            who = stale.current.updated_by
            name = (who.full_name or who.email) if who else "Someone else"
            base = (
                Response.history.filter(
                    organisation_id=response.organisation_id,
                    id=response.pk,
                    version=form.cleaned_data.get("version"),
                )
                .order_by("-history_id")
                .first()
            )
            form = form.with_conflict(stale.current, name, base=base)
    if not request.htmx:
        if saved:
            messages.success(request, f"{response.item.ref} saved.")
            fallback = reverse(
                "assessments:item", kwargs={"org": request.organisation.slug, "pk": response.pk}
            )
            return redirect(_safe_next(request, fallback))
        status = 409 if locked or getattr(form, "conflict", None) else 400
        return _render_item(request, response, form=form, status=status)
    if from_checklist:
        context = _row_context(request, response, form=None if saved else form)
        context["saved"] = saved
        status = 409 if locked else 200
        return render(request, "assessments/_row_saved.html", context, status=status)
    context_form = None if saved else form  # after saving, a fresh form shows what was stored
    return _render_item(
        request,
        response,
        form=context_form,
        template="assessments/_item_saved.html",
        extra={"saved": saved},
        status=409 if locked else 200,
    )


def _row_context(request: HttpRequest, response, form=None) -> dict:
    """One checklist row and the outcome panels around it, without the rest of the page:
    the outcome still reads every answer (one query), but no other row, form or filter is
    built. The row's warnings need the other answers too (a narrative copied elsewhere)."""
    assessment = response.assessment
    # Only what the outcome reads (not every row's owner and last editor); the template
    # loads this row's owner on its own.
    responses = list(responses_for_outcome(assessment))
    r = next(x for x in responses if x.pk == response.pk)
    previously = has_published_before(assessment)
    outcome = assessment_outcome(assessment, responses, previously_published=previously)
    editable = request.membership.can_edit and not assessment.is_locked
    return {
        "assessment": assessment,
        "outcome": outcome,
        "next_item": (outcome.blockers_for_next or [None])[0],
        "editable": editable,
        "checklist_url": _checklist_url(request),
        "row": {
            **_row_urls(request.organisation.slug)(r.pk),
            "response": r,
            "form": form,
            "warnings": response_warnings(r, context_for(assessment, responses, only=[r])),
            "check": outcome.checks.get(r.pk),
        },
    }


@require_GET
@require_role(Role.EDITOR)
def item_form(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """The answer form of one checklist row, loaded (HTMX) when the row is opened."""
    response = get_object_or_404(
        request.organisation.responses.select_related("assessment", "item"), pk=pk
    )
    if not request.htmx:
        return redirect(_item_url(org, pk))
    if response.assessment.is_locked:
        return HttpResponse(
            f'<p class="notice">{escape(response.assessment.locked_message())}</p>', status=409
        )
    context = _row_context(request, response)
    row = context["row"]
    context.update(
        {
            "r": row["response"],
            "row_warnings": row["warnings"],
            "form": ResponseForm(response=row["response"], members=_members(request.organisation)),
        }
    )
    return render(request, "assessments/_row_form.html", context)


@require_POST
@require_role(Role.EDITOR)
def comment(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    response = get_object_or_404(request.organisation.responses.select_related("item"), pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(
            response=response, text=form.cleaned_data["text"], by=request.user, request=request
        )
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment before adding it.")
    return redirect(
        reverse("assessments:item", kwargs={"org": org, "pk": response.pk}) + "#comments"
    )


def warnings(request: HttpRequest, org: str) -> HttpResponse:
    """Every answer-quality warning, item by item, each with how to fix it."""
    assessment = _current_or_404(request.organisation)
    context = _checklist(request, assessment)
    context["flagged"] = [
        (r, context["warnings"][r.pk]) for r in context["responses"] if r.pk in context["warnings"]
    ]
    return render(request, "assessments/warnings.html", context)


# ---------------------------------------------------------------- approval and publication


def approval(request: HttpRequest, org: str) -> HttpResponse:
    assessment = _current_or_404(request.organisation)
    context = _checklist(request, assessment)
    sap = request.organisation.senior_accountable_person
    context.update(
        {
            "sap": sap,
            "is_sap": states.is_senior_accountable_person(request.organisation, request.user),
            "approvals": assessment.approvals.select_related(
                "approved_by", "published_recorded_by"
            ),
            "current_approval": assessment.approvals.filter(revision=assessment.revision).first(),
            "return_form": ReturnForm(),
            "publication_form": PublicationForm(),
            "Status": AssessmentStatus,
        }
    )
    if context["outcome"].improvement_plan_needed:
        from .plans import items_without_action

        context["plan_missing"] = items_without_action(assessment, context["responses"])
    return render(request, "assessments/approval.html", context)


def _review_context(request: HttpRequest, assessment, form=None) -> dict:
    """Everything the approver reads before signing, from the checklist's own data."""
    from .plans import items_without_action

    context = _checklist(request, assessment)
    outcome = context["outcome"]
    sap = request.organisation.senior_accountable_person
    is_sap = states.is_senior_accountable_person(request.organisation, request.user)
    plan = None
    if outcome.improvement_plan_needed:
        plan = sorted(
            assessment.improvement_actions.select_related("owner").prefetch_related(
                "items__response__item"
            ),
            key=ImprovementAction.plan_order,
        )
    declaration = services.approval_declaration(
        assessment, outcome_label=outcome.label, plan=plan is not None
    )
    if form is None and is_sap:
        name, role = services.approval_signatory(assessment, request.user)
        form = ApproveForm(declaration=declaration, initial={"name": name, "role": role})
    standards: dict[int, dict] = {}
    for r in context["responses"]:
        standards.setdefault(
            r.item.standard.number, {"standard": r.item.standard, "responses": []}
        )["responses"].append(r)
    context.update(
        {
            "sap": sap,
            "is_sap": is_sap,
            "can_approve": states.allowed(assessment, states.Move.APPROVE, request.user),
            "approve_form": form,
            "return_form": ReturnForm(),
            "declaration": declaration,
            "today": timezone.localdate(),
            "flagged": [
                (r, context["warnings"][r.pk])
                for r in context["responses"]
                if r.pk in context["warnings"]
            ],
            "plan": plan,
            "plan_missing": items_without_action(assessment, context["responses"])
            if plan is not None
            else [],
            "review_standards": [standards[k] for k in sorted(standards)],
            "year_changes": services.register_changes(request.organisation, before=assessment),
        }
    )
    return context


def review(request: HttpRequest, org: str) -> HttpResponse:
    """The approver's review page: the outcome and its basis, open warnings, the plan,
    every answer with its documents, and the declaration to tick before approving."""
    assessment = _current_or_404(request.organisation)
    return render(request, "assessments/review.html", _review_context(request, assessment))


def _refused(request: HttpRequest, assessment, move: str) -> HttpResponse | None:
    """Before reading a form: 403 for someone the move is not for; for a move the
    assessment's state does not allow (approved a moment ago in another tab, a double tap),
    the reason, and back to the approval page with nothing changed. The service checks
    again under the row lock."""
    try:
        states.transition_check(assessment, move, request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("assessments:approval", org=request.organisation.slug)
    return None


def _approval_action(request, org, action, success: str, **kwargs) -> HttpResponse:
    assessment = _current_or_404(request.organisation)
    try:
        action(assessment=assessment, by=request.user, request=request, **kwargs)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, success)
    return redirect("assessments:approval", org=org)


@require_POST
@require_role(Role.EDITOR)
def submit(request: HttpRequest, org: str) -> HttpResponse:
    return _approval_action(
        request,
        org,
        services.assessment_submit,
        "Sent for approval. We have emailed the senior accountable person.",
    )


@require_POST
def approve(request: HttpRequest, org: str) -> HttpResponse:
    """Approve with the declaration ticked; a missing tick shows the review page again."""
    assessment = _current_or_404(request.organisation)
    refused = _refused(request, assessment, states.Move.APPROVE)
    if refused:
        return refused
    context = _review_context(request, assessment)
    form = ApproveForm(request.POST, declaration=context["declaration"])
    if not form.is_valid():
        context["approve_form"] = form
        return render(request, "assessments/review.html", context, status=400)
    return _approval_action(
        request,
        org,
        services.assessment_approve,
        "Approved. Answers are now locked. Publish on the national toolkit, then record it below.",
        declared=True,
        name=form.cleaned_data["name"],
        role=form.cleaned_data["role"],
    )


@require_POST
def return_(request: HttpRequest, org: str) -> HttpResponse:
    refused = _refused(request, _current_or_404(request.organisation), states.Move.RETURN)
    if refused:
        return refused
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what needs changing before returning it.")
        return redirect("assessments:approval", org=org)
    return _approval_action(
        request,
        org,
        services.assessment_return,
        "Returned with your comment. It can be edited again.",
        comment=form.cleaned_data["comment"],
    )


@require_POST
@require_role(Role.EDITOR)
def new_revision(request: HttpRequest, org: str) -> HttpResponse:
    return _approval_action(
        request,
        org,
        services.assessment_new_revision,
        "New revision started. The approved version is kept below.",
    )


@require_POST
@require_role(Role.EDITOR)
def publication(request: HttpRequest, org: str) -> HttpResponse:
    form = PublicationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Enter the date it was published and the outcome the toolkit shows."
        )
        return redirect("assessments:approval", org=org)
    return _approval_action(
        request,
        org,
        services.publication_record,
        "Publication recorded.",
        published_on=form.cleaned_data["published_on"],
        outcome=form.cleaned_data["outcome"],
    )


def checklist_help(request: HttpRequest) -> HttpResponse:
    """How complete the portal's checklist is, which items are inferred, and how to load
    the official list. Public: it holds no tenant data and every output links to it."""
    catalogue = _newest_catalogue()
    items = list(catalogue.items.order_by("sort_key")) if catalogue else []
    coverage = (
        coverage_of(
            catalogue,
            questions=len(items),
            mandatory=sum(1 for i in items if i.is_mandatory),
        )
        if catalogue
        else None
    )
    context = {
        "catalogue": catalogue,
        "coverage": coverage,
        "inferred": [i for i in items if i.is_inferred],
        "approaching": sum(1 for i in items if i.level == Level.APPROACHING),
    }
    return render(request, "assessments/checklist_help.html", context)
