"""Signing up, creating an organisation and editing its details, with bad input handled."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import ActivityLog, Membership, Organisation, Role
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_user_signs_up_creates_their_organisation_and_becomes_its_admin(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "sam@larkspur.example",
            "password1": "Tall-kettle-42-river",
            "password2": "Tall-kettle-42-river",
            "full_name": "Sam Patel",
            "job_title": "Registered Manager",
        },
    )
    assert response.status_code == 302
    # Email verification is required before signing in.
    assert len(mail.outbox) == 1 and "sam@larkspur.example" in mail.outbox[0].to
    EmailAddress.objects.filter(email="sam@larkspur.example").update(verified=True)
    client.post(
        reverse("account_login"),
        {"login": "sam@larkspur.example", "password": "Tall-kettle-42-river"},
    )
    response = client.post(
        reverse("organisations:create"),
        {
            "name": "Larkspur Care Home",
            "ods_code": " vl4r2 ",
            "service_type": "care_home",
            "postcode": "LS1 1AA",
            "acting_as": "admin",
        },
    )
    org = Organisation.objects.get(ods_code="VL4R2")
    assert response["Location"] == reverse("organisations:members", args=[org.slug])
    assert org.slug == "vl4r2"
    assert Membership.objects.get(organisation=org).role == Role.ADMIN
    with scopes_disabled():
        assert ActivityLog.objects.filter(organisation=org, action="organisation.created").exists()


def test_weak_passwords_are_refused_at_the_field(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "sam@example.org",
            "password1": "password",
            "password2": "password",
            "full_name": "Sam",
        },
    )
    assert response.status_code == 200
    assert "too short" in response.text or "too common" in response.text


def test_a_consultant_creates_a_client_organisation(client):
    user = UserFactory()
    client.force_login(user)
    client.post(
        reverse("organisations:create"),
        {
            "name": "Client Home",
            "ods_code": "VC1A2",
            "service_type": "home_care",
            "acting_as": "consultant",
        },
    )
    assert Membership.objects.get(user=user).role == Role.CONSULTANT


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "ods_code": "VA1B2"}, "name", "This field is required"),
        ({"name": "x" * 201, "ods_code": "VA1B2"}, "name", "at most 200 characters"),
        ({"name": "Home", "ods_code": ""}, "ods_code", "This field is required"),
        ({"name": "Home", "ods_code": "V-1!"}, "ods_code", "3 to 10 letters and numbers"),
        ({"name": "Home", "ods_code": "vn4k2"}, "ods_code", "already registered"),
    ],
)
def test_bad_organisation_details_get_a_message_at_the_field(
    client, organisation, data, field, message
):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisations:create"), {"service_type": "care_home", "acting_as": "admin", **data}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("url_name", ["create", "settings"])
def test_a_refused_ods_code_shows_only_the_error_not_you_can_still_save_it(
    client_as, organisation, url_name
):
    client = client_as(Role.ADMIN)
    if url_name == "create":
        page = client.post(
            reverse("organisations:create"),
            {
                "name": "Home",
                "ods_code": "12-ab",
                "service_type": "care_home",
                "acting_as": "admin",
            },
        )
    else:
        page = client.post(
            reverse("organisations:settings", args=[organisation.slug]),
            _settings_data(organisation, ods_code="12-ab"),
        )
    assert "3 to 10 letters and numbers" in page.text
    assert "You can still save it" not in page.text and 'id="ods-warning"' not in page.text


def test_an_unusual_ods_code_is_saved_with_a_warning(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisations:create"),
        {
            "name": "Odd Code Home",
            "ods_code": "8HX12",
            "service_type": "care_home",
            "acting_as": "admin",
        },
        follow=True,
    )
    assert Organisation.objects.filter(ods_code="8HX12").exists()
    assert "8-series" in response.text


def _settings_data(org, **overrides):
    data = {
        "name": org.name,
        "ods_code": org.ods_code,
        "service_type": org.service_type,
        "cqc_location_id": "",
        "address": "",
        "postcode": "",
        "staff_headcount": "",
        "registered_manager_name": "",
        "dpo_name": "",
        "senior_accountable_title": "",
        "caldicott_guardian_name": "",
        "cyber_essentials_plus_expires_on": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_admin_names_the_key_people_and_the_change_is_recorded(client_as, organisation, member):
    client = client_as(Role.ADMIN)
    ig = member(Role.EDITOR, full_name="Tom Okafor")
    response = client.post(
        reverse("organisations:settings", args=[organisation.slug]),
        _settings_data(
            organisation,
            ig_lead=ig.pk,
            dpo_name="Margaret Ellis",
            staff_headcount="42",
            cqc_location_id="1-123456789",
            senior_accountable_title="Director",
        ),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.ig_lead == ig and organisation.staff_headcount == 42
    with scopes_disabled():
        entry = ActivityLog.objects.get(organisation=organisation, action="organisation.updated")
    assert entry.changes["dpo_name"] == ["", "Margaret Ellis"]
    assert entry.actor == client.user


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "required"),
        ({"cqc_location_id": "VN4K2"}, "cqc_location_id", "looks like 1-123456789"),
        ({"staff_headcount": "-3"}, "staff_headcount", "greater than or equal to 0"),
        ({"staff_headcount": "lots"}, "staff_headcount", "whole number"),
        ({"staff_headcount": "2000000"}, "staff_headcount", "up to 100,000"),
        (
            {"cyber_essentials_plus_expires_on": "31/02/2026"},
            "cyber_essentials_plus_expires_on",
            "valid date",
        ),
        ({"ods_code": "VZ9Z9"}, "ods_code", "already registered"),
        ({"has_dpo": "on", "dpo_name": ""}, "dpo_name", "Data Protection Officer"),
        ({"ig_lead": "999999"}, "ig_lead", "valid choice"),
        ({"postcode": "x" * 11}, "postcode", "at most 10 characters"),
    ],
)
def test_bad_settings_keep_what_was_saved_and_say_what_to_fix(
    client_as, organisation, other_organisation, overrides, field, message
):
    client = client_as(Role.ADMIN)
    response = client.post(
        reverse("organisations:settings", args=[organisation.slug]),
        _settings_data(organisation, **overrides),
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Nothing has been changed yet" in response.text
    organisation.refresh_from_db()
    assert organisation.name == "Meadowbank House" and organisation.ods_code == "VN4K2"


def test_key_people_must_be_members(client_as, organisation):
    client = client_as(Role.ADMIN)
    stranger = UserFactory()
    response = client.post(
        reverse("organisations:settings", args=[organisation.slug]),
        _settings_data(organisation, senior_accountable_person=stranger.pk),
    )
    assert "senior_accountable_person" in response.context["form"].errors


def test_a_site_can_name_its_head_office(client_as, organisation):
    client = client_as(Role.ADMIN)
    hq = OrganisationFactory(name="Group HQ", ods_code="A1B2", slug="a1b2")
    from tests.factories import MembershipFactory

    MembershipFactory(organisation=hq, user=client.user, role=Role.ADMIN)
    client.post(
        reverse("organisations:settings", args=[organisation.slug]),
        _settings_data(organisation, parent=hq.pk),
    )
    organisation.refresh_from_db()
    assert organisation.parent == hq
