"""Continuity plan tests (7.1.2, 7.2.1): tested in 12 months, the verdict, spreadsheets."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from assessments.models import AnswerType, Level
from assessments.outcome import assessment_outcome
from organisations.models import ActivityLog, Role
from registers import services, spreadsheets
from registers.forms import ContinuityTestForm
from registers.models import ContinuityTest
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.factories import OrganisationFactory
from tests.registers.factories import ContinuityTestFactory

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 10)


def _url(name, org, *args):
    return reverse(f"registers:{name}", args=[org.slug, *args])


def test_a_test_counts_for_12_months_and_cyber_is_tracked(organisation):
    ContinuityTestFactory(
        organisation=organisation, tested_on=dt.date(2025, 3, 10), scenario="power"
    )
    with scope(organisation=organisation):  # as the register's pages call it
        figures = services.continuity_figures(organisation=organisation, on=ON)
        assert not figures.is_stale and figures.cyber_is_stale
        assert services.continuity_figures(
            organisation=organisation, on=ON + dt.timedelta(1)
        ).is_stale


def test_7_2_1_does_not_count_without_a_test_in_12_months(organisation):
    with scopes_disabled():
        a = assessment_for(
            organisation,
            catalogue_with(
                [{"ref": "7.2.1", "level": Level.MET, "answer_type": AnswerType.CONFIRMATION}]
            ),
        )
        answer(a.responses.get(), answer_confirmed=True)
    ContinuityTestFactory(organisation=organisation, tested_on=dt.date(2025, 3, 9))
    with scopes_disabled():
        (held,) = assessment_outcome(a, today=ON).held_back
    assert "last tested on 9 March 2025" in " ".join(held.reasons)
    ContinuityTestFactory(organisation=organisation, tested_on=dt.date(2026, 1, 9))
    with scopes_disabled():
        assert assessment_outcome(a, today=ON).held_back == []


def test_a_test_is_recorded_audited_and_validated(organisation, client_as):
    client = client_as(Role.EDITOR)
    data = {"tested_on": "2099-01-01", "scenario": "cyber", "description": "Tabletop"}
    response = client.post(_url("continuity_create", organisation), data)
    assert "This is in the future." in response.context["form"].errors["tested_on"]
    assert "id_tested_on_error" in response.content.decode()
    data["tested_on"] = "2026-01-05"
    assert client.post(_url("continuity_create", organisation), data).status_code == 302
    with scopes_disabled():
        assert ActivityLog.objects.filter(action="continuity_test.created").exists()
    assert "Tabletop" in client.get(_url("continuity", organisation)).content.decode()
    page = client.get(_url("continuity", organisation), {"scenario": "power"}).content.decode()
    assert "No tests match this filter" in page


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(organisation, client_as, kind):
    source = OrganisationFactory()
    ContinuityTestFactory(
        organisation=source,
        tested_on=dt.date(2026, 1, 5),
        outcome="Paper MAR charts used for 4 hours",
        lessons="Printed contact list moved to the nurses' station",
    )
    ContinuityTestFactory(organisation=source, scenario="power", tested_on=dt.date(2025, 11, 2))
    with scopes_disabled():
        qs = ContinuityTest.objects.filter(organisation=source).order_by("pk")
        head, rows = spreadsheets.table(ContinuityTestForm, qs)
    body = (
        spreadsheets.to_csv(head, rows).encode()
        if kind == "csv"
        else spreadsheets.to_xlsx(head, rows, "C")
    )
    response = client_as(Role.EDITOR).post(
        _url("continuity_import", organisation), {"file": SimpleUploadedFile(f"c.{kind}", body)}
    )
    assert response.status_code == 302
    with scopes_disabled():
        mine = ContinuityTest.objects.filter(organisation=organisation).order_by("pk")
        assert spreadsheets.table(ContinuityTestForm, mine) == (head, rows)
    assert client_as(Role.VIEWER).get(_url("continuity_export", organisation)).status_code == 200
