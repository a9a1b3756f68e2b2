"""IT systems and devices: unsupported warnings, the 12-month check, figures, spreadsheets."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from organisations.models import ActivityLog, Role
from registers import services, spreadsheets
from registers.forms import ITAssetForm
from registers.models import ITAsset
from tests.factories import OrganisationFactory
from tests.registers.factories import ITAssetFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)


def _url(name, org, *args):
    return reverse(f"registers:{name}", args=[org.slug, *args])


def test_software_is_unsupported_from_the_day_after_support_ends():
    asset = ITAsset(supported_until=dt.date(2025, 10, 14))
    assert not asset.is_unsupported(dt.date(2025, 10, 14))
    assert asset.is_unsupported(dt.date(2025, 10, 15))
    asset.retired_on = dt.date(2025, 10, 1)
    assert not asset.is_unsupported(dt.date(2026, 1, 1))  # no longer in use


def test_the_figures_name_what_needs_action(organisation):
    ITAssetFactory(
        organisation=organisation, name="Windows 10 PC", supported_until=dt.date(2025, 10, 14)
    )
    ITAssetFactory(
        organisation=organisation,
        name="Old eMAR",
        kind="software",
        supported_until=dt.date(2025, 1, 1),
        risk_note="Isolated; replacement ordered. Approved by the Registered Manager 1 Feb 2026.",
        mfa="no",
    )
    ITAssetFactory(organisation=organisation, name="Care tablet", kind="mobile", encrypted="no")
    ITAssetFactory(
        organisation=organisation,
        name="Retired",
        supported_until=dt.date(2020, 1, 1),
        retired_on=dt.date(2021, 1, 1),
    )
    with scope(organisation=organisation):  # as the register's pages call it
        figures = services.asset_figures(organisation=organisation, on=TODAY)
        assert figures.in_use == 3
        assert sorted(figures.unsupported) == ["Old eMAR", "Windows 10 PC"]
        assert figures.unsupported_without_risk == ["Windows 10 PC"]
        assert figures.mfa_off == ["Old eMAR"]
        assert figures.not_encrypted == ["Care tablet"]


def test_the_register_is_stale_when_nothing_was_checked_in_12_months(organisation):
    with scope(organisation=organisation):  # as the register's pages call it
        assert services.asset_figures(organisation=organisation, on=TODAY).is_stale  # empty
        ITAssetFactory(organisation=organisation, checked_on=dt.date(2025, 3, 10))
        assert not services.asset_figures(organisation=organisation, on=TODAY).is_stale
        assert services.asset_figures(
            organisation=organisation, on=TODAY + dt.timedelta(1)
        ).is_stale


def test_an_entry_is_added_audited_and_warned_about(organisation, client_as):
    client = client_as(Role.EDITOR)
    data = {
        "name": "Reception PC",
        "kind": "computer",
        "supported_until": "2025-10-14",
        "mfa": "yes",
        "encrypted": "yes",
        "checked_on": timezone.localdate().isoformat(),
    }
    assert client.post(_url("asset_create", organisation), data).status_code == 302
    with scopes_disabled():
        asset = ITAsset.objects.get()
        assert ActivityLog.objects.filter(
            action="it_asset.created", object_id=str(asset.pk)
        ).exists()
    page = client.get(_url("assets", organisation)).content.decode()
    assert "Unsupported" in page and "Record the risk (8.2.1)" in page
    page = client.get(_url("asset_edit", organisation, asset.pk)).content.decode()
    assert "Its maker stopped supporting it on 14 October 2025" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"checked_on": ""}, "checked_on", "This field is required."),
        ({"checked_on": "2099-01-01"}, "checked_on", "This is in the future."),
        ({"kind": "toaster"}, "kind", "Select a valid choice."),
        ({"supported_until": "soon"}, "supported_until", "Enter a valid date."),
    ],
)
def test_a_bad_entry_gets_a_message_next_to_the_field(
    organisation, client_as, data, field, message
):
    form = {
        "name": "PC",
        "kind": "computer",
        "mfa": "yes",
        "encrypted": "yes",
        "checked_on": "2026-01-05",
        **data,
    }
    response = client_as(Role.EDITOR).post(_url("asset_create", organisation), form)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert f"id_{field}_error" in response.content.decode()
    assert not ITAsset.objects.exists()


def test_the_list_filters(organisation, client_as):
    ITAssetFactory(organisation=organisation, name="Old PC", supported_until=dt.date(2020, 1, 1))
    ITAssetFactory(organisation=organisation, name="New tablet", kind="mobile", mfa="no")
    ITAssetFactory(organisation=organisation, name="Gone", retired_on=dt.date(2024, 1, 1))
    ITAssetFactory(organisation=OrganisationFactory(), name="Not ours")
    client = client_as(Role.VIEWER)

    def names(**query):
        page = client.get(_url("assets", organisation), query).content.decode()
        return {n for n in ("Old PC", "New tablet", "Gone", "Not ours") if f">{n}</a>" in page}

    assert names() == {"Old PC", "New tablet"}
    assert names(show="unsupported") == {"Old PC"}
    assert names(show="mfa_off") == {"New tablet"}
    assert names(show="retired") == {"Gone"}
    assert names(kind="mobile") == {"New tablet"}
    assert names(q="old") == {"Old PC"}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(organisation, client_as, kind):
    source = OrganisationFactory()
    ITAssetFactory(
        organisation=source,
        name="eMAR",
        kind="software",
        supplier="Acme Care Systems",
        supported_until=dt.date(2027, 3, 31),
        mfa="yes",
        encrypted="n/a",
        backups_tested_on=dt.date(2026, 1, 12),
        risk_note="",
        checked_on=dt.date(2026, 2, 1),
    )
    ITAssetFactory(organisation=source, name="Office router", kind="network", mfa="no")
    with scopes_disabled():
        head, rows = spreadsheets.table(
            ITAssetForm, ITAsset.objects.filter(organisation=source).order_by("pk")
        )
    body = (
        spreadsheets.to_csv(head, rows).encode()
        if kind == "csv"
        else spreadsheets.to_xlsx(head, rows, "IT")
    )
    response = client_as(Role.EDITOR).post(
        _url("assets_import", organisation), {"file": SimpleUploadedFile(f"it.{kind}", body)}
    )
    assert response.status_code == 302
    with scopes_disabled():
        again = spreadsheets.table(
            ITAssetForm, ITAsset.objects.filter(organisation=organisation).order_by("pk")
        )
        assert again == (head, rows)
        assert (
            ActivityLog.objects.filter(organisation=organisation, action="it_asset.created").count()
            == 2
        )
    assert client_as(Role.VIEWER).get(_url("assets_export", organisation)).status_code == 200
