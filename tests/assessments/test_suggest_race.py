"""'Suggest actions' sent twice at once gives each unmet item one open action, not two."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections
from django_scopes import scopes_disabled

from assessments import plans
from assessments.models import ActionStatus, ImprovementAction, Level
from organisations.models import Role
from tests.assessments.factories import assessment_for, catalogue_with

ITEMS = [{"ref": f"1.1.{n}", "level": Level.APPROACHING} for n in range(1, 7)]


@pytest.fixture
def assessment(organisation):
    return assessment_for(organisation, catalogue_with(ITEMS))


@pytest.mark.django_db(transaction=True)
def test_two_suggests_at_once_make_one_action_per_item(assessment, member, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks that really block (PostgreSQL)")
    editor = member(Role.EDITOR)
    start = threading.Barrier(2)
    made, errors, creators = [], [], set()
    real_create = plans.action_create

    def slow_create(**kwargs):
        # Hold the first click inside its transaction long enough for the second to read
        # the plan: without the lock, both would find every item uncovered.
        if not creators:
            time.sleep(0.5)
        creators.add(threading.get_ident())
        return real_create(**kwargs)

    monkeypatch.setattr(plans, "action_create", slow_create)

    def click():
        try:
            start.wait()
            with scopes_disabled():
                made.append(len(plans.actions_suggest(assessment=assessment, by=editor)))
        except Exception as e:  # reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(made) == [0, 6]
    assert len(creators) == 1  # the second click waited, then found nothing left to add
    with scopes_disabled():
        assert ImprovementAction.objects.filter(assessment=assessment).count() == 6


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_suggested_action_for_an_item(assessment, member):
    editor = member(Role.EDITOR)
    with scopes_disabled():
        plans.actions_suggest(assessment=assessment, by=editor)
        first = ImprovementAction.objects.filter(assessment=assessment).first()
        with pytest.raises(IntegrityError):
            ImprovementAction.objects.create(
                organisation=assessment.organisation,
                assessment=assessment,
                title="A second copy",
                suggested_for=first.suggested_for,
            )


@pytest.mark.django_db
def test_a_finished_suggestion_can_be_suggested_again_but_not_reopened_twice(assessment, member):
    editor = member(Role.EDITOR)
    with scopes_disabled():
        plans.actions_suggest(assessment=assessment, by=editor)
        first = ImprovementAction.objects.filter(assessment=assessment).first()
        before = plans.action_snapshot(first)
        first.status = ActionStatus.DONE
        plans.action_update(action=first, before=before, responses=[first.suggested_for], by=editor)
        again = plans.actions_suggest(assessment=assessment, by=editor)
        assert [a.suggested_for_id for a in again] == [first.suggested_for_id]
        before = plans.action_snapshot(first)
        first.status = ActionStatus.TO_DO
        with pytest.raises(ValidationError, match="Another open action"):
            plans.action_update(
                action=first, before=before, responses=[first.suggested_for], by=editor
            )
