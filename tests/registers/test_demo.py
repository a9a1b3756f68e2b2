"""The demo home's registers: something live in each, dated from the day seed_demo runs."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from organisations.models import Organisation
from registers.models import (
    Breach,
    ClockState,
    ContinuityTest,
    InformationAsset,
    ITAsset,
    SubjectAccessRequest,
    Supplier,
)

pytestmark = pytest.mark.django_db

TABLES = [Breach, SubjectAccessRequest, ITAsset, Supplier, InformationAsset, ContinuityTest]


def _counts(org):
    return [model.objects.filter(organisation=org).count() for model in TABLES]


@scopes_disabled()
def test_seed_demo_fills_meadowbanks_registers_once():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    org = Organisation.objects.get(slug="vn4k2")
    counts = _counts(org)
    assert all(n >= 2 for n in counts)
    states = [b.clock_state() for b in Breach.objects.filter(organisation=org)]
    assert ClockState.RUNNING in states
    statuses = [r.status() for r in SubjectAccessRequest.objects.filter(organisation=org)]
    assert "due_soon" in statuses
    assert ITAsset.objects.filter(organisation=org).unsupported(timezone.localdate()).exists()
    other = Organisation.objects.get(slug="a7q2k")
    assert _counts(other) == [0] * len(TABLES)

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts(org) == counts
