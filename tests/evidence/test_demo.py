"""The demo library and register: realistic, idempotent, and 3.2.1 below target."""

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from evidence.models import Document, DocumentVersion, ReviewStatus, StaffMember
from evidence.services import training_summary
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_library_once(settings, tmp_path):
    call_command("seed_demo", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    with scopes_disabled():
        org = Organisation.objects.get(slug="vn4k2")
        statuses = {d.title: d.review_status() for d in Document.objects.filter(organisation=org)}
        assert statuses["Business continuity plan"] == ReviewStatus.OVERDUE
        assert statuses["Information governance and acceptable use policy"] == ReviewStatus.DUE_SOON
        assert DocumentVersion.objects.filter(organisation=org).count() == 5
        summary = training_summary(organisation=org)
        assert 85 <= summary.percentage < 95 and not summary.meets_target
        assert StaffMember.objects.filter(organisation=org).count() == 21

    call_command("seed_demo", stdout=open(tmp_path / "again.txt", "w"))  # noqa: SIM115
    with scopes_disabled():
        assert DocumentVersion.objects.filter(organisation=org).count() == 5
        assert StaffMember.objects.filter(organisation=org).count() == 21
        assert training_summary(organisation=org).percentage == summary.percentage
