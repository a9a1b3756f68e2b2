"""Removing a register entry made in error: asked first, editors only, and the activity
log keeps everything the entry said."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.activity import sentence
from organisations.models import ActivityLog, Role
from registers.models import (
    Breach,
    ContinuityTest,
    InformationAsset,
    ITAsset,
    SubjectAccessRequest,
    Supplier,
)
from tests.registers.factories import (
    BreachFactory,
    ContinuityTestFactory,
    InformationAssetFactory,
    ITAssetFactory,
    SubjectAccessRequestFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db

REGISTERS = [
    ("breach", BreachFactory, Breach, "breach_edit", "breaches", "title"),
    ("sar", SubjectAccessRequestFactory, SubjectAccessRequest, "sar_edit", "sars", "requester"),
    ("asset", ITAssetFactory, ITAsset, "asset_edit", "assets", "name"),
    ("supplier", SupplierFactory, Supplier, "supplier_edit", "suppliers", "name"),
    (
        "information",
        InformationAssetFactory,
        InformationAsset,
        "information_edit",
        "information",
        "name",
    ),
    (
        "continuity",
        ContinuityTestFactory,
        ContinuityTest,
        "continuity_edit",
        "continuity",
        "description",
    ),
]


@pytest.mark.parametrize(("name", "factory", "model", "edit", "back", "field"), REGISTERS)
def test_an_editor_removes_an_entry_after_confirming_and_the_log_keeps_it(
    client_as, organisation, name, factory, model, edit, back, field
):
    entry = factory(organisation=organisation)
    text = getattr(entry, field)
    client = client_as(Role.EDITOR)
    edit_url = reverse(f"registers:{edit}", args=[organisation.slug, entry.pk])
    delete_url = reverse(f"registers:{name}_delete", args=[organisation.slug, entry.pk])

    assert delete_url in client.get(edit_url).text
    confirm = client.get(delete_url)
    assert confirm.status_code == 200
    assert "made in error" in confirm.text and "Remove it" in confirm.text
    with scopes_disabled():
        assert model.objects.filter(pk=entry.pk).exists()  # asking removes nothing

    done = client.post(delete_url, follow=True)
    assert done.redirect_chain[-1][0] == reverse(f"registers:{back}", args=[organisation.slug])
    assert "is removed from" in done.text
    with scopes_disabled():
        assert not model.objects.filter(pk=entry.pk).exists()
        log = ActivityLog.objects.get(organisation=organisation, action__endswith=".deleted")
    assert log.changes[field] == [text, None]
    assert log.actor == client.user
    assert "made in error" in sentence(log)
    activity = client_as(Role.ADMIN).get(
        reverse("organisations:activity", args=[organisation.slug])
    )
    assert activity.status_code == 200 and "made in error" in activity.text
    assert client.get(delete_url).status_code == 404


def test_a_viewer_sees_no_remove_link_and_is_refused(client_as, organisation):
    breach = BreachFactory(organisation=organisation, description="Sent to the wrong GP")
    client = client_as(Role.VIEWER)
    delete_url = reverse("registers:breach_delete", args=[organisation.slug, breach.pk])

    page = client.get(reverse("registers:breach_edit", args=[organisation.slug, breach.pk]))
    assert delete_url not in page.text
    assert client.post(delete_url).status_code == 403
    with scopes_disabled():
        assert Breach.objects.filter(pk=breach.pk).exists()
        assert not ActivityLog.objects.filter(action="breach.deleted").exists()


def test_another_homes_entry_cannot_be_removed(client_as, organisation, other_organisation):
    breach = BreachFactory(organisation=other_organisation)
    client = client_as(Role.ADMIN)
    url = reverse("registers:breach_delete", args=[organisation.slug, breach.pk])
    assert client.post(url).status_code == 404
    with scopes_disabled():
        assert Breach.objects.filter(pk=breach.pk).exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
def test_every_link_on_the_confirmation_page_works(client_as, organisation, role):
    import re

    asset = ITAssetFactory(organisation=organisation)
    client = client_as(role)
    page = client.get(reverse("registers:asset_delete", args=[organisation.slug, asset.pk]))
    main = page.text.split("<main")[-1]
    links = {h for h in re.findall(r'href="([^"]+)"', main) if h.startswith("/o/")}
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link
