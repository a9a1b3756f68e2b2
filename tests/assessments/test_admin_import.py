"""Platform staff load NHS England's spreadsheet from the admin: upload, preview, confirm;
logged; a damaged file gets the message on the page, never an error page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.catalogue import BUNDLED, catalogue_import
from assessments.models import CatalogueVersion
from organisations.models import ActivityLog
from tests.assessments.factories import assessment_for
from tests.assessments.spreadsheet_factory import nhs_workbook
from tests.factories import UserFactory, give_totp

pytestmark = pytest.mark.django_db
URL = "admin:assessments_catalogueversion_import"
NHS_NAME = "Version8_25-26 CAT2 Cat3 and CAT4.xlsx"


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True, full_name="Sam Support")
    give_totp(user)
    client.force_login(user)
    client.user = user
    return client


def _upload(client, content: bytes, name: str = NHS_NAME, **fields):
    return client.post(
        reverse(URL), {"file": SimpleUploadedFile(name, content), **fields}, follow=False
    )


def test_the_changelist_links_to_the_upload_page(staff):
    page = staff.get(reverse("admin:assessments_catalogueversion_changelist")).content.decode()
    assert reverse(URL) in page and "Load the official list" in page


def test_upload_previews_then_loads_on_confirmation_and_is_logged(staff, organisation):
    bundled = catalogue_import(path=BUNDLED).version
    assessment_for(organisation, bundled)
    response = _upload(staff, nhs_workbook())
    page = response.content.decode()
    assert response.status_code == 200
    assert "6 items" in page and f"1 assessment under way on {bundled.label}" in page
    assert not CatalogueVersion.objects.filter(key="2025-26-v8-official").exists()
    digest = response.context["hash"]
    done = staff.post(reverse(URL), {"confirm": "1", "hash": digest}, follow=True)
    assert "Loaded 2025-26 (DSPT v8, official list)" in done.content.decode()
    version = CatalogueVersion.objects.get(key="2025-26-v8-official")
    with scopes_disabled():
        log = ActivityLog.objects.get(action="catalogue.imported")
    assert log.actor == staff.user and log.object_id == str(version.pk)
    assert log.changes == {"key": version.key, "file": NHS_NAME, "items": 6}


def test_a_stale_or_forged_confirmation_loads_nothing(staff):
    _upload(staff, nhs_workbook())
    page = staff.post(reverse(URL), {"confirm": "1", "hash": "nope"}, follow=True)
    assert "That preview has expired" in page.content.decode()
    assert not CatalogueVersion.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a workbook", NHS_NAME, "not an Excel (.xlsx) file we can read"),
        (nhs_workbook(header=["Item", "Words"]), NHS_NAME, "No sheet has a header row"),
        (b"a,b\n", "list.csv", "Choose the .xlsx spreadsheet"),
        (nhs_workbook(), "official.xlsx", "give the deadline year and a new version key"),
    ],
    ids=["damaged", "no-columns", "not-xlsx", "no-year"],
)
def test_bad_files_get_a_clear_message_on_the_page(staff, content, name, message):
    response = _upload(staff, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CatalogueVersion.objects.exists()


def test_the_year_can_be_given_on_the_form(staff):
    response = _upload(staff, nhs_workbook(), "official.xlsx", key="test-official", year="2026")
    assert response.status_code == 200 and "test-official" in response.content.decode()


def test_staff_who_are_not_platform_admins_cannot_open_it(client, organisation):
    user = UserFactory(is_staff=True, is_superuser=False)
    give_totp(user)
    client.force_login(user)
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "/login/" in response["Location"]
