"""The improvement plan: actions with owners and dates for what is not yet met."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from organisations.services import activity_record, changes_between, snapshot

from .models import ActionStatus, Assessment, ImprovementAction, ImprovementActionItem

TRACKED = ["title", "owner", "target_date", "status", "completion_note", "completed_on"]
# A suggested action is due in 3 months, or by the deadline if that comes first.
SUGGESTED_WITHIN = dt.timedelta(days=90)


def _set_items(action: ImprovementAction, responses) -> list[str]:
    ImprovementActionItem.objects.filter(action=action).exclude(response__in=responses).delete()
    have = set(
        ImprovementActionItem.objects.filter(action=action).values_list("response_id", flat=True)
    )
    ImprovementActionItem.objects.bulk_create(
        ImprovementActionItem(organisation_id=action.organisation_id, action=action, response=r)
        for r in responses
        if r.pk not in have
    )
    return sorted(r.item.ref for r in responses)


def _completion(action: ImprovementAction) -> None:
    if action.status == ActionStatus.DONE and action.completed_on is None:
        action.completed_on = timezone.localdate()
    if action.status != ActionStatus.DONE:
        action.completed_on = None


@transaction.atomic
def action_create(*, assessment: Assessment, data: dict[str, Any], responses, by, request=None):
    action = ImprovementAction(
        organisation=assessment.organisation, assessment=assessment, created_by=by, **data
    )
    _completion(action)
    action.save()
    refs = _set_items(action, responses)
    activity_record(
        organisation=assessment.organisation,
        actor=by,
        action="improvement_action.created",
        target=action,
        changes={"title": action.title, "items": refs},
        request=request,
    )
    return action


@transaction.atomic
def action_update(*, action: ImprovementAction, before: dict, responses, by, request=None):
    _completion(action)
    try:
        with transaction.atomic():
            action.save()
    except IntegrityError:
        # Reopening a finished suggested action while a newer one is open for its item.
        raise ValidationError(
            "Another open action was suggested for this item since. Update that one instead."
        ) from None
    old_refs = sorted(action.items.values_list("response__item__ref", flat=True))
    refs = _set_items(action, responses)
    diff = changes_between(before, action, TRACKED)
    if refs != old_refs:
        diff["items"] = [old_refs, refs]
    if diff:
        activity_record(
            organisation=action.organisation,
            actor=by,
            action="improvement_action.updated",
            target=action,
            changes=diff,
            request=request,
        )
    return action


@transaction.atomic
def action_delete(*, action: ImprovementAction, by, request=None) -> None:
    activity_record(
        organisation=action.organisation,
        actor=by,
        action="improvement_action.deleted",
        target=action,
        changes={"title": action.title},
        request=request,
    )
    action.delete()


def action_met(action: ImprovementAction, counted) -> bool:
    """The action's items all count now (`Outcome.counted`): the work it planned is done.

    Reads `action.items` (prefetch it); an action with no items is never met this way.
    Only an open action is "met": a finished one is simply done.
    """
    if action.status == ActionStatus.DONE:
        return False
    ids = [link.response_id for link in action.items.all()]
    return bool(ids) and all(pk in counted for pk in ids)


def open_actions_not_met(actions, counted) -> list:
    """`actions` less those whose items now count (they are no longer overdue)."""
    return [a for a in actions if not action_met(a, counted)]


@transaction.atomic
def action_close_met(*, action: ImprovementAction, counted, by, request=None):
    """Mark an action done because its items now count; refused when they do not."""
    if not action_met(action, counted):
        raise ValidationError("Its items are not all met yet, so the action stays open.")
    before = action_snapshot(action)
    refs = sorted(link.response.item.ref for link in action.items.all())
    action.status = ActionStatus.DONE
    action.completed_on = timezone.localdate()
    if not action.completion_note.strip():
        action.completion_note = f"Closed because {', '.join(refs)} now met."
    action.save(update_fields=["status", "completed_on", "completion_note", "updated_at"])
    activity_record(
        organisation=action.organisation,
        actor=by,
        action="improvement_action.closed_met",
        target=action,
        changes={**changes_between(before, action, TRACKED), "items": refs},
        request=request,
    )
    return action


def items_without_action(assessment: Assessment, responses) -> list:
    """Unanswered mandatory items (from `responses`) that no open action covers."""
    covered = set(
        ImprovementActionItem.objects.filter(action__assessment=assessment)
        .exclude(action__status=ActionStatus.DONE)
        .values_list("response_id", flat=True)
    )
    return [
        r for r in responses if r.item.is_mandatory and not r.is_answered and r.pk not in covered
    ]


def action_snapshot(action: ImprovementAction) -> dict:
    return snapshot(action, TRACKED)


@transaction.atomic
def actions_suggest(*, assessment: Assessment, by, request=None) -> list[ImprovementAction]:
    """One action per unmet mandatory item that no open action covers yet.

    Two clicks at once wait for each other on the assessment row, so the second finds the
    first one's actions; the unique constraint on `suggested_for` backs that up.
    """
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    unmet = [
        r
        for r in assessment.responses.select_related("item", "owner").prefetch_related(
            "document_links"
        )
        if r.item.is_mandatory and not r.is_answered
    ]
    covered = set(
        ImprovementActionItem.objects.filter(
            action__assessment=assessment,
            action__status__in=[ActionStatus.TO_DO, ActionStatus.IN_PROGRESS],
        ).values_list("response_id", flat=True)
    )
    target = min(timezone.localdate() + SUGGESTED_WITHIN, assessment.deadline)
    if target < timezone.localdate():
        target = timezone.localdate() + SUGGESTED_WITHIN
    owner = assessment.organisation.ig_lead
    created = []
    for r in unmet:
        if r.pk in covered:
            continue
        try:
            with transaction.atomic():
                action = action_create(
                    assessment=assessment,
                    data={
                        "title": f"Meet {r.item.ref}: {r.item.summary}"[:300],
                        "owner": r.owner or owner,
                        "target_date": target,
                        "suggested_for": r,
                    },
                    responses=[r],
                    by=by,
                    request=request,
                )
        except IntegrityError:  # made by a click that got in first
            continue
        created.append(action)
    return created
