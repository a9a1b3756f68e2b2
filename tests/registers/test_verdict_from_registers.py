"""The verdict uses the registers' live figures (only for a register with entries), on the
home page and the portfolio alike, and the item page shows them (docs/dspt-rules.md)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import AnswerType, Level
from assessments.outcome import OutcomeLevel, assessment_outcome, outcomes_for
from organisations.models import Role
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.registers.factories import BreachFactory, ITAssetFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 3, 10)
CONFIRM = AnswerType.CONFIRMATION
ITEMS = [
    {"ref": ref, "level": Level.APPROACHING, "answer_type": CONFIRM, "na_allowed": True}
    for ref in ("4.5.3", "6.1.2", "6.1.3", "7.1.1", "8.1.4", "8.2.1", "9.5.2")
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def assessment(organisation):
    with scopes_disabled():
        a = assessment_for(organisation, catalogue_with(ITEMS))
        for r in a.responses.select_related("item"):
            answer(r, answer_confirmed=True)
    return a


@scopes_disabled()
def _responses(assessment):
    return {r.item.ref: r for r in assessment.responses.select_related("item")}


def _held(assessment, on=ON) -> dict:
    with scopes_disabled():
        single = assessment_outcome(assessment, today=on)
        _, many = outcomes_for([assessment.organisation], today=on)[assessment.organisation_id]
    held = {h.response.item.ref: " ".join(h.reasons) for h in single.held_back}
    assert held == {h.response.item.ref: " ".join(h.reasons) for h in many.held_back}
    return held


def test_empty_registers_leave_the_ticks_alone(assessment):
    with scopes_disabled():
        assert assessment_outcome(assessment, today=ON).level == OutcomeLevel.MET
    assert _held(assessment) == {}


def test_a_breach_without_sign_off_holds_6_1_2_back(assessment):
    org = assessment.organisation
    BreachFactory(organisation=org, title="Lost rota", discovered_at=_at(dt.date(2026, 1, 5)))
    assert "no management sign-off recorded for Lost rota" in _held(assessment)["6.1.2"]
    with scopes_disabled():
        org.breaches.update(signed_off_by="Registered Manager", signed_off_on=dt.date(2026, 1, 6))
    assert "6.1.2" not in _held(assessment)


def test_a_breach_found_12_months_and_a_day_before_no_longer_counts(assessment):
    org = assessment.organisation
    BreachFactory(organisation=org, title="Old", discovered_at=_at(dt.date(2025, 3, 9)))
    assert "6.1.2" not in _held(assessment)
    BreachFactory(organisation=org, title="Edge", discovered_at=_at(dt.date(2025, 3, 10)))
    assert "for Edge." in _held(assessment)["6.1.2"]


def test_not_applicable_does_not_count_when_the_log_has_breaches(assessment):
    with scopes_disabled():
        answer(_responses(assessment)["6.1.2"], not_applicable=True, na_reason="No breaches")
    assert "6.1.2" not in _held(assessment)
    BreachFactory(
        organisation=assessment.organisation,
        discovered_at=_at(dt.date(2026, 2, 1)),
        signed_off_by="Manager",
        signed_off_on=dt.date(2026, 2, 2),
    )
    assert "'Not applicable' means no breaches" in _held(assessment)["6.1.2"]


def test_high_risk_people_not_told_holds_6_1_3_back(assessment):
    BreachFactory(
        organisation=assessment.organisation,
        title="Care notes on a stolen laptop",
        risk="high",
        discovered_at=_at(dt.date(2026, 2, 1)),
    )
    assert "Care notes on a stolen laptop (high risk)" in _held(assessment)["6.1.3"]


def test_an_it_register_not_checked_in_12_months_holds_7_1_1_back(assessment):
    asset = ITAssetFactory(organisation=assessment.organisation, checked_on=dt.date(2025, 3, 9))
    assert "last checked on 9 March 2025, more than 12 months" in _held(assessment)["7.1.1"]
    with scopes_disabled():
        asset.checked_on = dt.date(2025, 3, 10)
        asset.save()
    assert "7.1.1" not in _held(assessment)


def test_unsupported_software_needs_a_risk_record(assessment):
    asset = ITAssetFactory(
        organisation=assessment.organisation,
        name="Windows 10 PC",
        supported_until=dt.date(2025, 10, 14),
    )
    held = _held(assessment)
    assert "Windows 10 PC is no longer supported" in held["8.1.4"]
    assert "8.2.1" in held
    with scopes_disabled():
        asset.risk_note = "Offline, replacement due April. Approved by the RM, 1 March 2026."
        asset.save()
    assert "8.1.4" not in _held(assessment) and "8.2.1" not in _held(assessment)
    with scopes_disabled():
        answer(_responses(assessment)["8.2.1"], not_applicable=True, na_reason="None")
    assert "'Not applicable' means nothing unsupported" in _held(assessment)["8.2.1"]


def test_the_item_page_shows_the_live_figure(assessment, client_as):
    org = assessment.organisation
    BreachFactory(organisation=org, title="Lost rota", discovered_at=timezone.now())
    client = client_as(Role.VIEWER)
    page = client.get(
        reverse("assessments:item", args=[org.slug, _responses(assessment)["6.1.2"].pk])
    ).content.decode()
    assert "From your breach log" in page and "1 not signed off by management" in page
    assert "This answer does not count yet" in page
    page = client.get(
        reverse("assessments:item", args=[org.slug, _responses(assessment)["7.1.1"].pk])
    ).content.decode()
    assert "From your IT register" in page and "Nothing is on the register yet" in page
    ITAssetFactory(organisation=org, checked_on=timezone.localdate() - dt.timedelta(days=400))
    page = client.get(
        reverse("assessments:item", args=[org.slug, _responses(assessment)["7.1.1"].pk])
    ).content.decode()
    assert "The register is out of date" in page


def test_a_system_with_mfa_off_holds_4_5_3_back_until_it_is_listed_or_switched_on(assessment):
    org = assessment.organisation
    ITAssetFactory(organisation=org, name="Laptop A", kind="computer", mfa="yes")
    ITAssetFactory(organisation=org, name="Rota", kind="software")  # MFA n/a: says nothing
    assert "4.5.3" not in _held(assessment)  # the register agrees with the answer
    app = ITAssetFactory(organisation=org, name="Care Planner", kind="software", mfa="no")
    held = _held(assessment)["4.5.3"]
    assert "multi-factor authentication is off for Care Planner" in held
    assert "does not list it as an approved exception" in held
    with scopes_disabled():
        assert assessment_outcome(assessment, today=ON).level != OutcomeLevel.MET
        answer(
            _responses(assessment)["4.5.3"],
            answer_confirmed=True,
            narrative="MFA on email. Exception: care planner (no MFA offered), approved by "
            "the Registered Manager on 1 March 2026.",
        )
    assert "4.5.3" not in _held(assessment)  # named as the exception (any case)
    with scopes_disabled():
        answer(_responses(assessment)["4.5.3"], answer_confirmed=True, narrative="")
    assert "4.5.3" in _held(assessment)
    with scopes_disabled():
        app.mfa = "yes"
        app.save()
    assert "4.5.3" not in _held(assessment)


def test_an_unencrypted_laptop_or_tablet_holds_9_5_2_back(assessment):
    org = assessment.organisation
    ITAssetFactory(organisation=org, name="Email", kind="software", encrypted="no")
    assert "9.5.2" not in _held(assessment)  # an online system's encryption is the supplier's
    laptop = ITAssetFactory(organisation=org, name="Office laptop", encrypted="no")
    ITAssetFactory(organisation=org, name="Medication tablet", kind="mobile", encrypted="no")
    held = _held(assessment)["9.5.2"]
    assert "IT register: Medication tablet, Office laptop are not encrypted" in held
    assert "Encrypt them, or name each in the answer" in held
    with scopes_disabled():
        laptop.encrypted = "yes"
        laptop.save()
        answer(
            _responses(assessment)["9.5.2"],
            answer_confirmed=True,
            narrative="The medication tablet stores nothing and can be wiped remotely.",
        )
    assert "9.5.2" not in _held(assessment)


def test_not_applicable_on_9_5_2_does_not_count_when_the_register_lists_a_tablet(assessment):
    org = assessment.organisation
    with scopes_disabled():
        answer(_responses(assessment)["9.5.2"], not_applicable=True, na_reason="No devices")
    ITAssetFactory(organisation=org, name="Office desktop", kind="computer", encrypted="yes")
    assert "9.5.2" not in _held(assessment)  # a desktop is not a laptop, tablet or phone
    ITAssetFactory(organisation=org, name="Care phone", kind="mobile", encrypted="yes")
    assert "the IT register lists Care phone" in _held(assessment)["9.5.2"]


def test_retired_devices_are_not_held_against_the_answer(assessment):
    ITAssetFactory(
        organisation=assessment.organisation,
        name="Old laptop",
        encrypted="no",
        mfa="no",
        retired_on=ON - dt.timedelta(days=30),
    )
    held = _held(assessment)
    assert "4.5.3" not in held and "9.5.2" not in held


def test_the_item_page_shows_the_mfa_warning_and_it_goes_when_the_register_agrees(
    assessment, client_as
):
    org = assessment.organisation
    app = ITAssetFactory(organisation=org, name="Care Planner", kind="software", mfa="no")
    client = client_as(Role.VIEWER)
    url = reverse("assessments:item", args=[org.slug, _responses(assessment)["4.5.3"].pk])
    page = client.get(url).content.decode()
    assert "This answer does not count yet" in page
    assert "multi-factor authentication is off for Care Planner" in page
    with scopes_disabled():
        app.mfa = "yes"
        app.save()
    page = client.get(url).content.decode()
    assert "This answer does not count yet" not in page
    assert "No system is recorded with multi-factor authentication off" in page
