"""The improvement plan pages: list and add, edit, delete, suggest."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from organisations.access import require_role
from organisations.models import Role

from . import plans
from .forms import ImprovementActionForm
from .models import ImprovementAction
from .outcome import assessment_outcome


def _assessment(request):
    assessment = (
        request.organisation.assessments.select_related("catalogue").order_by("-dspt_year").first()
    )
    if assessment is None:
        raise Http404("No assessment yet.")
    return assessment


def plan(request: HttpRequest, org: str) -> HttpResponse:
    assessment = _assessment(request)
    form = ImprovementActionForm(request.POST or None, assessment=assessment)
    if request.method == "POST":
        if not request.membership.can_edit:
            raise PermissionDenied("Only editors can change the plan.")
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in ImprovementActionForm.Meta.fields}
            plans.action_create(
                assessment=assessment,
                data=data,
                responses=form.cleaned_data["responses"],
                by=request.user,
                request=request,
            )
            messages.success(request, "Action added to the plan.")
            return redirect("assessments:plan", org=org)
    actions = sorted(
        assessment.improvement_actions.select_related("owner").prefetch_related(
            "items__response__item"
        ),
        key=ImprovementAction.plan_order,
    )
    today = timezone.localdate()
    outcome = assessment_outcome(assessment)
    met_ids = {a.pk for a in actions if plans.action_met(a, outcome.counted)}
    context = {
        "assessment": assessment,
        "outcome": outcome,
        "actions": actions,
        "met_ids": met_ids,
        "open_count": sum(a.status != "done" for a in actions),
        "overdue_count": sum(a.is_overdue(today) and a.pk not in met_ids for a in actions),
        "today": today,
        "form": form,
    }
    return render(request, "assessments/plan.html", context, status=400 if form.errors else 200)


@require_role(Role.EDITOR)
def action_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    assessment = _assessment(request)
    action = get_object_or_404(assessment.improvement_actions, pk=pk)
    before = plans.action_snapshot(action)
    form = ImprovementActionForm(request.POST or None, instance=action, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            plans.action_update(
                action=form.save(commit=False),
                before=before,
                responses=form.cleaned_data["responses"],
                by=request.user,
                request=request,
            )
        except ValidationError as e:
            form.add_error("status", e)
        else:
            messages.success(request, "Action saved.")
            return redirect("assessments:plan", org=org)
    return render(
        request,
        "assessments/action_form.html",
        {"form": form, "action": action},
        status=400 if form.errors else 200,
    )


@require_POST
@require_role(Role.EDITOR)
def action_close(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Close, in one click, an action whose items are now met."""
    assessment = _assessment(request)
    action = get_object_or_404(
        assessment.improvement_actions.prefetch_related("items__response__item"), pk=pk
    )
    try:
        plans.action_close_met(
            action=action,
            counted=assessment_outcome(assessment).counted,
            by=request.user,
            request=request,
        )
    except ValidationError as e:
        messages.error(request, e.messages[0])
    else:
        messages.success(request, f"“{action.title}” closed: its items are met.")
    return redirect("assessments:plan", org=org)


@require_role(Role.EDITOR)
def action_delete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    action = get_object_or_404(_assessment(request).improvement_actions, pk=pk)
    if request.method == "POST":
        plans.action_delete(action=action, by=request.user, request=request)
        messages.success(request, f"“{action.title}” removed from the plan.")
        return redirect("assessments:plan", org=org)
    return render(request, "assessments/action_delete.html", {"action": action})


@require_POST
@require_role(Role.EDITOR)
def plan_suggest(request: HttpRequest, org: str) -> HttpResponse:
    created = plans.actions_suggest(
        assessment=_assessment(request), by=request.user, request=request
    )
    if created:
        messages.success(
            request,
            f"{len(created)} action{'s' if len(created) != 1 else ''} suggested, one per unmet "
            "mandatory item. Check the owners and dates.",
        )
    else:
        messages.info(request, "Every unmet mandatory item already has an open action.")
    return redirect("assessments:plan", org=org)
