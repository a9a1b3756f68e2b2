"""The breach and incident log: the 72-hour clock, validation, audit, filters, spreadsheets."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from organisations.models import ActivityLog, Role
from registers import spreadsheets
from registers.forms import BreachForm
from registers.models import Breach, ClockState, PeopleTold, Reporting, Risk
from tests.factories import OrganisationFactory
from tests.registers.factories import BreachFactory

pytestmark = pytest.mark.django_db

FOUND = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 30))


def _url(name, org, *args):
    return reverse(f"registers:{name}", args=[org.slug, *args])


def _valid(**overrides):
    data = {
        "title": "Laptop left on a bus",
        "discovered_at": "2026-03-02T09:30",
        "risk": Risk.MEDIUM,
        "reporting": Reporting.NOT_DECIDED,
        "people_told": PeopleTold.NOT_YET,
    }
    return {**data, **overrides}


# ---------------------------------------------------------------- the 72-hour clock


def test_the_clock_runs_until_the_72nd_hour_after_discovery(organisation):
    breach = BreachFactory(organisation=organisation, discovered_at=FOUND)
    assert breach.report_by == FOUND + dt.timedelta(hours=72)
    just_before = FOUND + dt.timedelta(hours=72) - dt.timedelta(seconds=1)
    assert breach.clock_state(just_before) == ClockState.RUNNING
    assert breach.hours_left(just_before) == 0
    assert breach.hours_left(FOUND + dt.timedelta(hours=1)) == 71
    assert breach.clock_state(FOUND + dt.timedelta(hours=72)) == ClockState.OVERDUE


def test_a_reporting_decision_stops_the_clock(organisation):
    breach = BreachFactory(
        organisation=organisation,
        discovered_at=FOUND,
        reporting=Reporting.NOT_REPORTABLE,
        reporting_notes="Incident tool: not reportable",
    )
    assert breach.clock_state(FOUND + dt.timedelta(days=10)) == ClockState.STOPPED


def test_the_home_page_puts_a_running_clock_first(organisation, client_as):
    BreachFactory(
        organisation=organisation,
        title="Rota emailed to the wrong person",
        discovered_at=timezone.now() - dt.timedelta(hours=70, minutes=30),
    )
    BreachFactory(
        organisation=organisation,
        title="Old one",
        reporting=Reporting.TOOLKIT,
        reported_at=timezone.now(),
    )
    page = client_as(Role.VIEWER).get(reverse("organisations:home", args=[organisation.slug]))
    text = page.content.decode()
    assert "Rota emailed to the wrong person" in text
    assert "1 hour left" in text
    # Not among the next steps (it is listed under "What changed this year", further down).
    assert "Old one" not in text.split('data-testid="year-changes"')[0]


def test_the_home_page_says_when_72_hours_have_passed(organisation, client_as):
    BreachFactory(organisation=organisation, discovered_at=timezone.now() - dt.timedelta(hours=72))
    text = (
        client_as(Role.VIEWER)
        .get(reverse("organisations:home", args=[organisation.slug]))
        .content.decode()
    )
    assert "More than 72 hours" in text


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"reporting": Reporting.TOOLKIT},
            "reported_at",
            "Give the date and time it was reported.",
        ),
        ({"reported_at": "2026-03-03T10:00"}, "reported_at", "Choose where it was reported"),
        (
            {"reporting": Reporting.ICO, "reported_at": "2026-03-01T10:00"},
            "reported_at",
            "This is before the breach was found.",
        ),
        ({"reporting": Reporting.NOT_REPORTABLE}, "reporting_notes", "Say why it did not need"),
        ({"people_told": PeopleTold.TOLD}, "people_told_on", "Give the date the people affected"),
        (
            {"risk": Risk.HIGH, "people_told": PeopleTold.NOT_NEEDED},
            "people_told",
            "the people affected must be told",
        ),
        ({"signed_off_on": "2026-03-04"}, "signed_off_by", "Give the job title"),
        ({"signed_off_by": "Registered Manager"}, "signed_off_on", "Give the date"),
        ({"discovered_at": "2099-01-01T10:00"}, "discovered_at", "This is in the future."),
        ({"discovered_at": "yesterday"}, "discovered_at", "Enter a valid date/time."),
    ],
)
def test_a_bad_entry_gets_a_message_next_to_the_field(
    organisation, client_as, overrides, field, message
):
    response = client_as(Role.EDITOR).post(_url("breach_create", organisation), _valid(**overrides))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page or f"id_{field}_error" in page
    assert "Laptop left on a bus" in page  # what was typed is kept
    assert not Breach.objects.exists()


def test_an_entry_is_logged_and_audited(organisation, client_as):
    client = client_as(Role.EDITOR)
    response = client.post(_url("breach_create", organisation), _valid(people_affected="3"))
    assert response.status_code == 302
    with scopes_disabled():
        breach = Breach.objects.get()
        assert breach.organisation == organisation
        assert breach.discovered_at == FOUND and breach.people_affected == 3
        assert breach.created_by == client.user
        assert ActivityLog.objects.filter(
            action="breach.created", object_id=str(breach.pk)
        ).exists()
    home = client.get(reverse("organisations:home", args=[organisation.slug])).content.decode()
    assert "logged the breach “Laptop left on a bus”" in home

    client.post(
        _url("breach_edit", organisation, breach.pk),
        _valid(
            people_affected="3",
            reporting=Reporting.TOOLKIT,
            reported_at="2026-03-03T16:00",
            reporting_notes="DSPT incident 123",
        ),
    )
    with scopes_disabled():
        breach.refresh_from_db()
        assert breach.reporting == Reporting.TOOLKIT
        change = ActivityLog.objects.get(action="breach.updated")
        assert change.changes["reporting"] == ["not_decided", "toolkit"]
        assert "title" not in change.changes


def test_a_viewer_reads_an_entry_but_cannot_save_it(organisation, client_as):
    breach = BreachFactory(organisation=organisation)
    client = client_as(Role.VIEWER)
    page = client.get(_url("breach_edit", organisation, breach.pk)).content.decode()
    assert breach.title in page and "can read the log but not change it" in page
    assert client.post(_url("breach_edit", organisation, breach.pk), _valid()).status_code == 403


def test_another_organisations_entry_is_not_found(organisation, client_as):
    theirs = BreachFactory(organisation=OrganisationFactory())
    assert (
        client_as(Role.EDITOR).get(_url("breach_edit", organisation, theirs.pk)).status_code == 404
    )


# ---------------------------------------------------------------- the list


def test_the_list_filters_by_risk_and_reporting(
    organisation, client_as, django_assert_max_num_queries
):
    BreachFactory(organisation=organisation, title="High open", risk=Risk.HIGH)
    BreachFactory(
        organisation=organisation,
        title="Low reported",
        reporting=Reporting.ICO,
        reported_at=timezone.now(),
    )
    BreachFactory(organisation=OrganisationFactory(), title="Someone else's")
    client = client_as(Role.VIEWER)
    client.get(_url("breaches", organisation))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(_url("breaches", organisation))
    BreachFactory.create_batch(15, organisation=organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(_url("breaches", organisation)).content.decode()
    assert "High open" in page and "Low reported" in page and "Someone else" not in page
    page = client.get(_url("breaches", organisation), {"risk": "high"}).content.decode()
    assert "High open" in page and "Low reported" not in page
    page = client.get(_url("breaches", organisation), {"clock": "stopped"}).content.decode()
    assert "High open" not in page and "Low reported" in page
    page = client.get(_url("breaches", organisation), {"clock": "nonsense"})
    assert page.status_code == 200


def test_the_list_links_to_the_items_it_answers(organisation, client_as):
    page = client_as(Role.VIEWER).get(_url("breaches", organisation)).content.decode()
    for ref in ("6.1.1", "6.1.2", "6.1.3"):
        assert reverse("assessments:item_by_ref", args=[organisation.slug, ref]) in page


# ---------------------------------------------------------------- spreadsheets


def _upload(body: bytes, name="log.csv"):
    return SimpleUploadedFile(name, body, content_type="text/csv")


def _two_breaches(org):
    BreachFactory(
        organisation=org,
        title="=Fax to the wrong GP",
        description="Line one\nline two, with a comma",
        discovered_at=FOUND,
        people_affected=1,
        risk=Risk.HIGH,
        actions="Fax numbers checked before sending",
        signed_off_by="Registered Manager",
        signed_off_on=dt.date(2026, 3, 5),
        reporting=Reporting.TOOLKIT,
        reported_at=FOUND + dt.timedelta(hours=30),
        reporting_notes="DSPT ref 42",
        people_told=PeopleTold.TOLD,
        people_told_on=dt.date(2026, 3, 4),
    )
    BreachFactory(organisation=org, title="Near miss: unlocked cabinet", discovered_at=FOUND)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(organisation, client_as, kind):
    source = OrganisationFactory()
    _two_breaches(source)
    with scopes_disabled():
        head, rows = spreadsheets.table(
            BreachForm, Breach.objects.filter(organisation=source).order_by("pk")
        )
    body = (
        spreadsheets.to_csv(head, rows).encode()
        if kind == "csv"
        else spreadsheets.to_xlsx(head, rows, "Breach log")
    )
    response = client_as(Role.EDITOR).post(
        _url("breaches_import", organisation), {"file": _upload(body, f"log.{kind}")}
    )
    assert response.status_code == 302, response.context and response.context["check"].rows
    with scopes_disabled():
        again = spreadsheets.table(
            BreachForm, Breach.objects.filter(organisation=organisation).order_by("pk")
        )
        assert again == (head, rows)
        assert (
            ActivityLog.objects.filter(organisation=organisation, action="breach.created").count()
            == 2
        )


def test_the_export_downloads_guard_against_formulas(organisation, client_as):
    _two_breaches(organisation)
    client = client_as(Role.VIEWER)
    csv_text = client.get(_url("breaches_export", organisation)).content.decode()
    assert csv_text.startswith("Short title,What happened,When it was found,")
    assert "'=Fax to the wrong GP" in csv_text
    assert "Reported through the toolkit's incident tool" in csv_text
    xlsx = client.get(_url("breaches_export", organisation), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_import_with_a_bad_row_saves_nothing_and_says_which(organisation, client_as):
    body = (
        b"Short title,When it was found,Risk,Reported to the ICO or the toolkit\n"
        b"Lost letter,2026-03-02 09:30,low,Not decided yet\n"
        b"Wrong email,31/02/2026 10:00,Medium,Not decided yet\n"
        b"Stolen phone,03/03/2026 10:00,catastrophic,ICO\n"
    )
    page = (
        client_as(Role.EDITOR)
        .post(_url("breaches_import", organisation), {"file": _upload(body)})
        .content.decode()
    )
    assert "Nothing has been imported" in page
    assert "Row 3: When it was found: Enter a valid date/time." in page
    assert "Row 4: Risk to the people affected: Select a valid choice." in page
    assert "Row 4: When it was reported: Give the date and time it was reported." in page
    assert not Breach.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "This field is required"),  # Django refuses an empty upload
        (b"PK\x03\x04broken", "could not be read"),
        (b"Title\n\0\0", "not a CSV file"),
        (b"Colour\nred\n", "Add the columns: Short title, When it was found."),
    ],
)
def test_a_file_that_cannot_be_imported_gets_a_clear_message(
    organisation, client_as, body, message
):
    page = (
        client_as(Role.EDITOR)
        .post(_url("breaches_import", organisation), {"file": _upload(body)})
        .content.decode()
    )
    assert message.replace("'", "&#x27;") in page or "The submitted file is empty" in page
    assert not Breach.objects.exists()


def test_columns_with_a_default_may_be_left_out(organisation, client_as):
    body = b"short title,when it was found\nLost letter,02/03/2026 09:30\n"
    response = client_as(Role.EDITOR).post(
        _url("breaches_import", organisation), {"file": _upload(body)}
    )
    assert response.status_code == 302
    with scopes_disabled():
        breach = Breach.objects.get()
        assert (breach.risk, breach.reporting) == (Risk.LOW, Reporting.NOT_DECIDED)
        assert breach.discovered_at == FOUND


def test_item_links_open_the_current_answer_or_the_checklist(organisation, client_as):
    from tests.evidence.factories import make_response

    response = make_response(organisation, "6.1.2")
    client = client_as(Role.VIEWER)
    found = client.get(reverse("assessments:item_by_ref", args=[organisation.slug, "6.1.2"]))
    assert found.url == reverse("assessments:item", args=[organisation.slug, response.pk])
    missing = client.get(reverse("assessments:item_by_ref", args=[organisation.slug, "9.9.9"]))
    assert missing.url == reverse("assessments:index", args=[organisation.slug])


def test_an_entry_whose_author_left_can_still_be_saved(organisation, client_as):
    breach = BreachFactory(organisation=organisation, created_by=None)
    response = client_as(Role.EDITOR).post(_url("breach_edit", organisation, breach.pk), _valid())
    assert response.status_code == 302
