"""Assessments listens to the apps below it (connected in AssessmentsConfig.ready)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_scopes import scopes_disabled

from evidence.models import Document, StaffMember, TrainingRecord
from organisations.models import Organisation
from organisations.signals import member_leaving, organisation_erased
from registers.models import Breach, ContinuityTest, InformationAsset, ITAsset, Supplier

from .models import Approval, DocumentLink, ImprovementAction, Response
from .summaries import inputs_changed


@receiver(member_leaving, dispatch_uid="assessments.release_owned_items")
def release_owned_items(sender, *, organisation, user_id, **kwargs) -> None:
    """Someone who leaves stops owning the organisation's answers and improvement actions."""
    with scopes_disabled():
        for model in (ImprovementAction, Response):
            model.objects.filter(organisation=organisation, owner_id=user_id).update(owner=None)


@receiver(organisation_erased, dispatch_uid="assessments.erase_answer_history")
def erase_answer_history(sender, *, organisation_id, **kwargs) -> None:
    """The answers' history records have no cascading key (django-simple-history copies
    the row without constraints, and records each cascaded delete): delete them all."""
    Response.history.filter(organisation_id=organisation_id).delete()


# Every model whose rows the outcome reads beyond the assessment and organisation rows
# (`outcome_from`, `verdict.item_check`, the training register and register figures): a
# save or delete of any of them gives the organisation a new `OutcomeInputs` stamp, so its
# stored summary is worked out again (`assessments.summaries`).
OUTCOME_INPUTS = (
    Response,
    DocumentLink,
    Approval,
    Document,
    StaffMember,
    TrainingRecord,
    Breach,
    ITAsset,
    Supplier,
    InformationAsset,
    ContinuityTest,
)


def outcome_input_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return  # a restore (`import_org`, loaddata) brings back the stamps with the rows
    inputs_changed(instance.organisation_id)


def outcome_input_deleted(sender, instance, origin=None, **kwargs) -> None:
    if isinstance(origin, Organisation):
        return  # the whole organisation is going, its stamp with it
    inputs_changed(instance.organisation_id)


for _model in OUTCOME_INPUTS:
    _uid = f"assessments.outcome_inputs.{_model._meta.label_lower}"
    post_save.connect(outcome_input_saved, sender=_model, dispatch_uid=_uid)
    post_delete.connect(outcome_input_deleted, sender=_model, dispatch_uid=_uid)
