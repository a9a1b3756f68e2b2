"""The 3.2.1 training figure: scope rules, the 12-month window, the 95% boundary, and the
CSV import that writes all rows or none."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from evidence.models import StaffMember, TrainingRecord
from evidence.services import training_summary
from organisations.models import ActivityLog, Role
from tests.evidence.factories import StaffMemberFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 30)


def people(organisation, trained: int, untrained: int, **kwargs):
    for n in range(trained):
        TrainingRecordFactory(
            staff_member=StaffMemberFactory(
                organisation=organisation, name=f"Trained {n:02d}", **kwargs
            ),
            completed_on=dt.date(2025, 10, 1),
        )
    for n in range(untrained):
        StaffMemberFactory(organisation=organisation, name=f"Untrained {n:02d}", **kwargs)


@pytest.mark.parametrize(
    ("trained", "untrained", "percentage", "meets"),
    [(19, 1, 95.0, True), (18, 2, 90.0, False), (37, 2, 94.8, False), (20, 0, 100.0, True)],
)
def test_the_95_percent_boundary(organisation, trained, untrained, percentage, meets):
    people(organisation, trained, untrained)
    with scopes_disabled():
        summary = training_summary(organisation=organisation, on=ON)
    assert summary.in_scope_count == trained + untrained
    assert summary.percentage == percentage
    assert summary.meets_target is meets
    assert summary.missing_names == [f"Untrained {n:02d}" for n in range(untrained)]


def test_nobody_on_the_register_does_not_meet_the_target(organisation):
    with scopes_disabled():
        summary = training_summary(organisation=organisation, on=ON)
    assert summary.percentage is None and summary.meets_target is False


def test_leavers_before_the_date_and_later_starters_are_not_counted(organisation):
    people(organisation, 19, 1)
    StaffMemberFactory(organisation=organisation, name="Left in May", left_on=dt.date(2026, 5, 31))
    StaffMemberFactory(
        organisation=organisation, name="Starts in July", started_on=dt.date(2026, 7, 1)
    )
    StaffMemberFactory(organisation=organisation, name="Kitchen, no records", has_data_access=False)
    last_day = StaffMemberFactory(organisation=organisation, name="Leaves on the day", left_on=ON)
    with scopes_disabled():
        summary = training_summary(organisation=organisation, on=ON)
    assert "Leaves on the day" in summary.missing_names  # still worked here that day
    assert {p.name for p in summary.out_of_scope} == {
        "Left in May",
        "Starts in July",
        "Kitchen, no records",
    }
    assert summary.in_scope_count == 21 and not summary.meets_target
    TrainingRecordFactory(staff_member=last_day, completed_on=dt.date(2026, 1, 5))
    with scopes_disabled():
        assert training_summary(organisation=organisation, on=ON).percentage == 95.2


def test_agency_workers_volunteers_and_directors_are_counted(organisation):
    people(organisation, 19, 0)
    StaffMemberFactory(organisation=organisation, name="Agency nurse", is_agency=True)
    StaffMemberFactory(organisation=organisation, name="Trustee", is_director=True)
    StaffMemberFactory(organisation=organisation, name="Befriender", is_volunteer=True)
    with scopes_disabled():
        summary = training_summary(organisation=organisation, on=ON)
    assert sorted(summary.missing_names) == ["Agency nurse", "Befriender", "Trustee"]
    assert summary.in_scope_count == 22 and summary.percentage == 86.3


def test_only_training_in_the_12_months_before_the_date_counts(organisation):
    def person(name, completed_on):
        TrainingRecordFactory(
            staff_member=StaffMemberFactory(organisation=organisation, name=name),
            completed_on=completed_on,
        )

    person("Exactly a year before", dt.date(2025, 6, 30))
    person("A day too old", dt.date(2025, 6, 29))
    person("Two years ago", dt.date(2024, 9, 1))
    person("After the date", dt.date(2026, 7, 1))
    with scopes_disabled():
        summary = training_summary(organisation=organisation, on=ON)
    assert [row.name for row in summary.trained] == ["Exactly a year before"]
    assert summary.missing_names == ["A day too old", "After the date", "Two years ago"]
    too_old = next(row for row in summary.missing if row.name == "A day too old")
    assert too_old.valid_until == dt.date(2026, 6, 29)


def test_training_that_runs_out_before_the_deadline_is_listed(organisation):
    lapsing = StaffMemberFactory(organisation=organisation, name="Lapses in May")
    TrainingRecordFactory(staff_member=lapsing, completed_on=dt.date(2025, 5, 1))
    TrainingRecordFactory(
        staff_member=StaffMemberFactory(organisation=organisation, name="Fine"),
        completed_on=dt.date(2025, 9, 1),
    )
    with scopes_disabled():
        summary = training_summary(organisation=organisation, on=dt.date(2026, 3, 1), deadline=ON)
    assert summary.percentage == 100.0
    assert [(r.name, r.valid_until) for r in summary.expiring] == [
        ("Lapses in May", dt.date(2026, 5, 1))
    ]
    with scopes_disabled():
        at_deadline = training_summary(organisation=organisation, on=ON, deadline=ON)
    assert at_deadline.missing_names == ["Lapses in May"]


@time_machine.travel(dt.datetime(2026, 3, 1, 12, 0), tick=False)
def test_the_date_defaults_to_the_dspt_deadline(organisation):
    with scopes_disabled():
        assert training_summary(organisation=organisation).on == ON


def test_the_figure_costs_the_same_queries_for_any_register_size(
    organisation, django_assert_num_queries
):
    people(organisation, 3, 1)
    with django_assert_num_queries(1):
        with scopes_disabled():
            training_summary(organisation=organisation, on=ON)
    people(organisation, 0, 0)
    for _ in range(30):
        TrainingRecordFactory(
            staff_member=StaffMemberFactory(organisation=organisation), completed_on=ON
        )
    with django_assert_num_queries(1):
        with scopes_disabled():
            training_summary(organisation=organisation, on=ON)


def test_the_register_page_shows_the_figure_and_who_is_missing(organisation, client_as):
    people(organisation, 18, 2)
    page = (
        client_as(Role.VIEWER)
        .get(reverse("evidence:training", args=[organisation.slug]), {"on": "2026-06-30"})
        .content.decode()
    )
    assert "90.0%" in page and "Below the 95% target" in page
    assert "Untrained 00" in page and "no training recorded" in page


def test_adding_a_record_through_the_page_is_audited(organisation, client_as):
    person = StaffMemberFactory(organisation=organisation)
    client = client_as(Role.EDITOR)
    url = reverse("evidence:record_add", args=[organisation.slug, person.pk])
    future = client.post(url, {"course": "DSA", "completed_on": "2099-01-01"})
    assert "cannot be in the future" in future.content.decode()
    client.post(url, {"course": "Data security awareness", "completed_on": "2026-01-15"})
    with scopes_disabled():
        assert person.training_records.get().completed_on == dt.date(2026, 1, 15)
    with scopes_disabled():
        assert ActivityLog.objects.filter(action="training.recorded").count() == 1


GOOD_CSV = (
    "Name,Job title,Start date,Leaving date,Director,Volunteer,Agency,Data access,"
    "Course,Completed on\n"
    "Ann Smith,Care assistant,01/03/2024,,no,no,no,yes,Data security awareness,15/09/2025\n"
    "Ann Smith,Care assistant,,,,,,,DCH quiz,2025-10-01\n"
    "Bob Jones,Director,,,yes,,,,,\n"
)
BAD_CSV = (
    "name,completed on,agency\n"
    "Ann Smith,15/09/2025,no\n"
    ",01/10/2025,no\n"
    "Cara Lee,31/02/2025,no\n"
    "Dev Patel,2025-09-01,sometimes\n"
)


def _post_csv(client, organisation, text: str, name="register.csv"):
    return client.post(
        reverse("evidence:training_import", args=[organisation.slug]),
        {"file": SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")},
    )


def test_a_valid_csv_is_previewed_then_imported_on_confirmation(organisation, client_as):
    client = client_as(Role.EDITOR)
    preview = _post_csv(client, organisation, GOOD_CSV)
    page = preview.content.decode()
    assert "All 3 rows can be imported" in page
    assert not StaffMember.objects.exists()  # nothing before confirming
    text = preview.context["preview"].text
    response = client.post(
        reverse("evidence:training_import", args=[organisation.slug]),
        {"confirm": "1", "text": text},
    )
    assert response.status_code == 302
    with scopes_disabled():
        ann = StaffMember.objects.get(name="Ann Smith")
    assert ann.started_on == dt.date(2024, 3, 1)
    with scopes_disabled():
        assert sorted(ann.training_records.values_list("course", flat=True)) == [
            "DCH quiz",
            "Data security awareness",
        ]
    with scopes_disabled():
        assert StaffMember.objects.get(name="Bob Jones").is_director
    with scopes_disabled():
        assert ActivityLog.objects.filter(action="training.imported").exists()


def test_a_csv_with_bad_rows_imports_none_and_reports_each(organisation, client_as):
    client = client_as(Role.EDITOR)
    page = _post_csv(client, organisation, BAD_CSV).content.decode()
    assert "3 rows have problems, so nothing has been imported" in page
    assert "Row 3: Name is missing." in page
    assert "Row 4: Completed on &#x27;31/02/2025&#x27; is not a date we recognise" in page
    assert "Row 5: Agency should be yes or no, not &#x27;sometimes&#x27;." in page
    assert 'name="confirm"' not in page
    # Even a forged confirmation writes nothing.
    client.post(
        reverse("evidence:training_import", args=[organisation.slug]),
        {"confirm": "1", "text": BAD_CSV},
    )
    assert not StaffMember.objects.exists() and not TrainingRecord.objects.exists()


def test_a_file_that_is_not_csv_gets_a_clear_message(organisation, client_as):
    client = client_as(Role.EDITOR)
    page = client.post(
        reverse("evidence:training_import", args=[organisation.slug]),
        {
            "file": SimpleUploadedFile(
                "register.xlsx", b"PK\x03\x04\x00\x00binary\x00", content_type="text/csv"
            )
        },
    ).content.decode()
    assert "This Excel file could not be read" in page
    page = _post_csv(client, organisation, "email,phone\nx@y.z,1\n").content.decode()
    assert "at least a &#x27;name&#x27; column" in page


def test_an_absurd_date_is_not_a_server_error(client_as, organisation):
    from django.urls import reverse

    client = client_as("viewer")
    response = client.get(
        reverse("evidence:training", args=[organisation.slug]), {"on": "0001-01-01"}
    )
    assert response.status_code == 200  # the register as usual: the date is ignored


def test_a_far_future_review_date_is_not_a_server_error(client_as, organisation):
    from django.urls import reverse

    client = client_as("editor")
    response = client.post(
        reverse("evidence:document_create", args=[organisation.slug]),
        {"title": "DP policy", "kind": "policy", "last_reviewed_on": "9999-12-31"},
    )
    assert response.status_code == 302  # saved, and on to the document's page
    assert response["Location"].startswith(f"/o/{organisation.slug}/evidence/")


def test_a_record_whose_certificate_was_archived_names_it_without_a_broken_link(
    organisation, client_as
):
    from django.utils import timezone

    from tests.evidence.factories import DocumentFactory

    staff = StaffMemberFactory(organisation=organisation)
    certificate = DocumentFactory(
        organisation=organisation, title="Night staff certificates", archived_at=timezone.now()
    )
    TrainingRecordFactory(staff_member=staff, evidence=certificate)
    url = reverse("evidence:staff_edit", kwargs={"org": organisation.slug, "pk": staff.pk})
    html = client_as(Role.EDITOR).get(url).content.decode()
    assert "Night staff certificates (archived)" in html
    assert reverse("evidence:document", args=[organisation.slug, certificate.pk]) not in html
