"""Staff support: the catalogue is read-only in the admin; assessments are searchable."""

import pytest
from django.urls import reverse

from assessments.catalogue import bundled_catalogue_ensure
from tests.assessments.factories import assessment_for
from tests.factories import UserFactory, give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    give_totp(staff)  # platform staff must use two-step sign-in
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "catalogueversion",
        "standard",
        "assertion",
        "evidenceitem",
        "assessment",
        "response",
        "comment",
        "approval",
    ],
)
def test_admin_lists_load_with_search(staff_client, organisation, model):
    bundled_catalogue_ensure()
    assessment_for(organisation)
    page = staff_client.get(reverse(f"admin:assessments_{model}_changelist"), {"q": "1.1"})
    assert page.status_code == 200


def test_catalogue_items_cannot_be_changed_in_the_admin(staff_client):
    item = bundled_catalogue_ensure().items.first()
    page = staff_client.post(
        reverse("admin:assessments_evidenceitem_change", args=[item.pk]), {"summary": "x"}
    )
    assert page.status_code == 403
    item.refresh_from_db()
    assert item.summary != "x"
