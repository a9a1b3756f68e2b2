"""The assessment's states and the moves between them, written once.

```
            submit                   approve                  publish
    draft ─────────▶ awaiting_approval ─────────▶ approved ─────────▶ published
      ▲                  │                          │                   │  │
      └──── return ──────┘                          │                   └──┘ publish
      └──────────────────── new revision ───────────┴───────────────────┘  (corrects it)
```

- `TRANSITIONS` is the only table of allowed moves. `transition_take` takes one: it re-reads
  the assessment row under `SELECT ... FOR UPDATE`, so two clicks at once (two tabs, a
  double tap on a tablet) queue up and the second finds the state the first left and is
  refused with a message saying what happened, never a second email or approval.
- `REFUSALS` says, for every move from every state it is not allowed from, why not.
- `is_senior_accountable_person` is the one place for "only the senior accountable person
  approves or returns" (docs/dspt-rules.md §5, our rule).
- Answers, document links and the checklist change only in an editable state
  (`EDITABLE`); `lock_for_editing` refuses the rest with `AssessmentLocked`.

This module imports no model: `models.py` takes `AssessmentStatus` from here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class Move(models.TextChoices):
    SUBMIT = "submit", "Send for approval"
    APPROVE = "approve", "Approve"
    RETURN = "return", "Return with a comment"
    NEW_REVISION = "new_revision", "Start a new revision"
    PUBLISH = "publish", "Record the publication"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    senior_accountable_only: bool = False


S = AssessmentStatus
TRANSITIONS: dict[str, Transition] = {
    Move.SUBMIT: Transition(frozenset({S.DRAFT}), S.AWAITING_APPROVAL),
    Move.APPROVE: Transition(frozenset({S.AWAITING_APPROVAL}), S.APPROVED, True),
    Move.RETURN: Transition(frozenset({S.AWAITING_APPROVAL}), S.DRAFT, True),
    Move.NEW_REVISION: Transition(frozenset({S.APPROVED, S.PUBLISHED}), S.DRAFT),
    # Recording it again corrects the date or outcome; the assessment stays published.
    Move.PUBLISH: Transition(frozenset({S.APPROVED, S.PUBLISHED}), S.PUBLISHED),
}

# Answers, document links and the checklist in use change only here.
EDITABLE = frozenset({S.DRAFT})

SAP_ONLY_MESSAGE = "Only the organisation's senior accountable person can approve or return it."


# ---------------------------------------------------------------- why a move is refused


def _who(user) -> str:
    return (user.full_name or user.email) if user else "someone"


def _already_sent(assessment) -> str:
    when = timezone.localtime(assessment.submitted_at) if assessment.submitted_at else None
    return (
        f"This assessment was already sent for approval by "
        f"{_who(assessment.submitted_by)}{f' at {when:%H:%M}' if when else ''}. "
        "The senior accountable person has been emailed once."
    )


def _already_approved(assessment) -> str:
    approval = assessment.approvals.filter(revision=assessment.revision).first()
    if approval is None:
        return "This assessment has already been approved."
    when = timezone.localtime(approval.approved_at)
    return (
        f"This assessment was already approved by {_who(approval.approved_by)} "
        f"on {date_format(when, 'j F Y')} at {when:%H:%M}. Nothing more to do."
    )


def _not_waiting(assessment) -> str:
    if assessment.returned_at:
        return (
            f"This assessment was returned for changes by {_who(assessment.returned_by)}, "
            "so it is not waiting for approval."
        )
    return "This assessment is not waiting for approval: it has not been sent yet."


def _approved_not_sendable(assessment) -> str:
    return (
        "This assessment has already been approved, so there is nothing to send. "
        "To change it, start a new revision on the approval page."
    )


def _already_editable(assessment) -> str:
    if (
        assessment.revision > 1
        and not assessment.approvals.filter(revision=assessment.revision).exists()
    ):
        return (
            f"Revision {assessment.revision} has already been started: the answers can be "
            "changed now."
        )
    return "This assessment can be changed already: a new revision is needed only after approval."


def _waiting_no_revision(assessment) -> str:
    return (
        "This assessment is waiting for approval, so a new revision cannot be started. "
        "The senior accountable person can return it if something needs changing."
    )


def _publish_before_approval(assessment) -> str:
    return "Record the publication after the assessment is approved."


REFUSALS: dict[tuple[str, str], Callable] = {
    (Move.SUBMIT, S.AWAITING_APPROVAL): _already_sent,
    (Move.SUBMIT, S.APPROVED): _approved_not_sendable,
    (Move.SUBMIT, S.PUBLISHED): _approved_not_sendable,
    (Move.APPROVE, S.DRAFT): _not_waiting,
    (Move.APPROVE, S.APPROVED): _already_approved,
    (Move.APPROVE, S.PUBLISHED): _already_approved,
    (Move.RETURN, S.DRAFT): _not_waiting,
    (Move.RETURN, S.APPROVED): _already_approved,
    (Move.RETURN, S.PUBLISHED): _already_approved,
    (Move.NEW_REVISION, S.DRAFT): _already_editable,
    (Move.NEW_REVISION, S.AWAITING_APPROVAL): _waiting_no_revision,
    (Move.PUBLISH, S.DRAFT): _publish_before_approval,
    (Move.PUBLISH, S.AWAITING_APPROVAL): _publish_before_approval,
}


# ---------------------------------------------------------------- asking and taking


def is_senior_accountable_person(organisation, user) -> bool:
    """The one rule for who approves or returns: the organisation's named senior
    accountable person, whatever their role in the team (docs/dspt-rules.md §5)."""
    sap_id = organisation.senior_accountable_person_id
    return bool(user and user.is_authenticated and sap_id and sap_id == user.pk)


def refusal(assessment, move: str, by=None) -> str | None:
    """Why `by` cannot make `move` now (None if they can). Reads the assessment as given."""
    transition = TRANSITIONS[move]
    if transition.senior_accountable_only and not is_senior_accountable_person(
        assessment.organisation, by
    ):
        return SAP_ONLY_MESSAGE
    if assessment.status not in transition.sources:
        return REFUSALS[(move, assessment.status)](assessment)
    return None


def allowed(assessment, move: str, by=None) -> bool:
    return refusal(assessment, move, by) is None


def transition_check(assessment, move: str, by=None) -> Transition:
    """Raise PermissionDenied (not the senior accountable person) or ValidationError (not
    from this state), each with the message; otherwise return the transition."""
    transition = TRANSITIONS[move]
    message = refusal(assessment, move, by)
    if message == SAP_ONLY_MESSAGE:
        raise PermissionDenied(message)
    if message:
        raise ValidationError(message)
    return transition


def _relock(assessment, **lock) -> None:
    """Re-read the assessment row into `assessment` under a row lock (inside a transaction)."""
    model = type(assessment)
    assessment.refresh_from_db(
        from_queryset=model._base_manager.select_for_update(**lock).filter(
            organisation_id=assessment.organisation_id
        )
    )


def transition_take(assessment, move: str, by) -> Transition:
    """Lock the assessment's row, check the move from the state it is really in now, and
    return the transition. The caller validates its own input, then sets
    `assessment.status = transition.target` and saves, in the same transaction."""
    _relock(assessment)
    return transition_check(assessment, move, by)


# ---------------------------------------------------------------- editing


class AssessmentLocked(ValidationError):
    """A change to answers, links or the checklist of an assessment that is not a draft."""


def is_editable(status: str) -> bool:
    return status in EDITABLE


def locked_message(status: str) -> str:
    if status == S.AWAITING_APPROVAL:
        return (
            "This assessment is waiting for approval, so answers cannot be changed. "
            "The senior accountable person can return it if something needs fixing."
        )
    return (
        "This assessment has been approved, so answers cannot be changed. "
        "To make changes, start a new revision on the approval page."
    )


def lock_for_editing(assessment) -> None:
    """Refuse with `AssessmentLocked` unless the assessment is editable, reading its state
    under a row lock that a transition also needs: a change saved while it is being sent
    or approved either lands before (and is in the approved copy) or is refused."""
    _relock(assessment, no_key=True)
    if not is_editable(assessment.status):
        raise AssessmentLocked(locked_message(assessment.status))
