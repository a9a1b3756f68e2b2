"""The demo assessments: Meadowbank mostly answered with a few warnings, idempotent."""

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from assessments.checks import assessment_warnings
from assessments.models import Assessment
from assessments.outcome import OutcomeLevel, assessment_outcome

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_meadowbank_and_riverside_but_not_oakfield_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    with scopes_disabled():
        meadowbank = Assessment.objects.get(organisation__slug="vn4k2")
        outcome = assessment_outcome(meadowbank)
        assert outcome.level == OutcomeLevel.APPROACHING
        assert outcome.answered_mandatory >= 30
        responses = list(
            meadowbank.responses.select_related("item").prefetch_related("document_links__document")
        )
        found = assessment_warnings(meadowbank, responses).values()
        codes = {w.code for warnings in found for w in warnings}
        assert "vague_reference" in codes
        assert Assessment.objects.filter(organisation__slug="a7q2k").exists()
        assert not Assessment.objects.filter(organisation__slug="vr8t1").exists()
        before = list(meadowbank.responses.values_list("pk", "answer_text", "updated_at"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    with scopes_disabled():
        assert list(meadowbank.responses.values_list("pk", "answer_text", "updated_at")) == before
        assert Assessment.objects.count() == 2
