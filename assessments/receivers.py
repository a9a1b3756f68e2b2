"""Assessments listens to the apps below it (connected in AssessmentsConfig.ready)."""

from django.dispatch import receiver
from django_scopes import scopes_disabled

from organisations.signals import member_leaving, organisation_erased

from .models import ImprovementAction, Response


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
