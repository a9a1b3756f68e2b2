"""Evidence listens to the apps below it (connected in EvidenceConfig.ready)."""

from django.dispatch import receiver
from django_scopes import scopes_disabled

from organisations.signals import member_leaving

from .models import Document


@receiver(member_leaving, dispatch_uid="evidence.release_owned_documents")
def release_owned_documents(sender, *, organisation, user_id, **kwargs) -> None:
    """Someone who leaves stops owning the organisation's documents."""
    with scopes_disabled():
        Document.objects.filter(organisation=organisation, owner_id=user_id).update(owner=None)
