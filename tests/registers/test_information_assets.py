"""Information asset register (1.1.2): the 12-month management review, the verdict,
validation, filters, spreadsheets."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from assessments.models import AnswerType, Level
from assessments.outcome import assessment_outcome
from organisations.models import ActivityLog, Role
from registers import services, spreadsheets
from registers.forms import InformationAssetForm
from registers.models import InformationAsset
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.factories import OrganisationFactory
from tests.registers.factories import InformationAssetFactory

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 10)


def _url(name, org, *args):
    return reverse(f"registers:{name}", args=[org.slug, *args])


def test_the_review_counts_for_12_months(organisation):
    with scope(organisation=organisation):  # as the register's pages call it
        assert services.information_asset_figures(organisation=organisation, on=ON).is_stale
        InformationAssetFactory(organisation=organisation, reviewed_on=dt.date(2025, 3, 10))
        assert not services.information_asset_figures(organisation=organisation, on=ON).is_stale
        later = ON + dt.timedelta(days=1)
        assert services.information_asset_figures(organisation=organisation, on=later).is_stale


def test_1_1_2_does_not_count_after_12_months_without_a_review(organisation):
    with scopes_disabled():
        a = assessment_for(
            organisation,
            catalogue_with(
                [
                    {
                        "ref": "1.1.2",
                        "level": Level.APPROACHING,
                        "answer_type": AnswerType.CONFIRMATION,
                    }
                ]
            ),
        )
        answer(a.responses.get(), answer_confirmed=True)
    with scopes_disabled():
        assert assessment_outcome(a, today=ON).held_back == []  # empty register: the tick stands
    InformationAssetFactory(organisation=organisation, reviewed_on=dt.date(2025, 3, 9))
    with scopes_disabled():
        (held,) = assessment_outcome(a, today=ON).held_back
    assert "last reviewed by management on 9 March 2025" in " ".join(held.reasons)


def test_an_entry_is_added_audited_and_validated(organisation, client_as):
    client = client_as(Role.EDITOR)
    data = {
        "name": "Care plans",
        "owner": "Registered Manager",
        "personal_data": "Health, medication",
        "held_as": "system",
        "shared_with": "GP by NHSmail",
        "reviewed_on": "2099-01-01",
    }
    response = client.post(_url("information_create", organisation), data)
    assert "This is in the future." in response.context["form"].errors["reviewed_on"]
    assert "id_reviewed_on_error" in response.content.decode()
    data["reviewed_on"] = "2026-01-05"
    assert client.post(_url("information_create", organisation), data).status_code == 302
    with scopes_disabled():
        assert ActivityLog.objects.filter(action="information_asset.created").exists()
    page = client.get(_url("information", organisation), {"q": "nhsmail"}).content.decode()
    assert "Care plans" in page and "No lawful basis" in page
    page = client.get(_url("information", organisation), {"held_as": "paper"}).content.decode()
    assert ">Care plans</a>" not in page


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(organisation, client_as, kind):
    source = OrganisationFactory()
    InformationAssetFactory(
        organisation=source,
        name="Staff files",
        lawful_basis="contract",
        held_as="mixed",
        where="Locked cabinet, office; HR system",
        retention="6 years after leaving",
        shared_with="Payroll bureau (secure upload)\nDBS umbrella body",
        reviewed_on=dt.date(2026, 1, 5),
    )
    InformationAssetFactory(organisation=source, name="Visitor book", held_as="paper")
    with scopes_disabled():
        qs = InformationAsset.objects.filter(organisation=source).order_by("pk")
        head, rows = spreadsheets.table(InformationAssetForm, qs)
    body = (
        spreadsheets.to_csv(head, rows).encode()
        if kind == "csv"
        else spreadsheets.to_xlsx(head, rows, "I")
    )
    response = client_as(Role.EDITOR).post(
        _url("information_import", organisation), {"file": SimpleUploadedFile(f"i.{kind}", body)}
    )
    assert response.status_code == 302
    with scopes_disabled():
        mine = InformationAsset.objects.filter(organisation=organisation).order_by("pk")
        assert spreadsheets.table(InformationAssetForm, mine) == (head, rows)
    assert client_as(Role.VIEWER).get(_url("information_export", organisation)).status_code == 200
