"""DocumentLink moved from evidence to assessments: a database made before the move keeps its
links, and no app's migrations depend on a higher app's."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django_scopes import scopes_disabled

from assessments.models import DocumentLink
from evidence.models import Document
from organisations.models import Role
from tests.assessments.factories import assessment_for, catalogue_with

BEFORE_THE_MOVE = [
    ("assessments", "0007_response_history"),
    ("evidence", "0002_staff_training"),
]
# evidence's migrations as they were before the move (0001 created evidence_documentlink).
LEGACY = {"evidence": "tests.legacy_migrations.evidence.migrations"}


def _executor() -> MigrationExecutor:
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_links_made_before_the_move_are_kept(organisation, member):
    user = member(Role.EDITOR)
    with scopes_disabled():
        assessment = assessment_for(
            organisation, catalogue_with([{"ref": "1.1.1"}, {"ref": "1.1.2"}])
        )
        responses = {r.item.ref: r for r in assessment.responses.select_related("item")}
        policy = Document.objects.create(organisation=organisation, title="Data protection policy")
        register = Document.objects.create(organisation=organisation, title="Asset register")
    latest = _executor().loader.graph.leaf_nodes()

    # Back to the old layout, then fill the old table through the old models.
    _executor().migrate([("assessments", "0007_response_history")])
    assert "evidence_documentlink" in connection.introspection.table_names()
    with override_settings(MIGRATION_MODULES=LEGACY):
        old_apps = _executor().loader.project_state(BEFORE_THE_MOVE).apps
    OldLink = old_apps.get_model("evidence", "DocumentLink")
    assert OldLink._meta.db_table == "evidence_documentlink"
    made = [
        (policy.pk, responses["1.1.1"].pk),
        (policy.pk, responses["1.1.2"].pk),
        (register.pk, responses["1.1.2"].pk),
    ]
    for document_id, response_id in made:
        OldLink.objects.create(
            organisation_id=organisation.pk,
            document_id=document_id,
            response_id=response_id,
            created_by_id=user.pk,
        )

    _executor().migrate(latest)

    tables = connection.introspection.table_names()
    assert "assessments_documentlink" in tables and "evidence_documentlink" not in tables
    with scopes_disabled():
        kept = DocumentLink.objects.order_by("pk")
        assert [(x.document_id, x.response_id) for x in kept] == made
        assert {x.created_by_id for x in kept} == {user.pk}
        # The links still work both ways, and the one-link-per-pair rule still holds.
        assert responses["1.1.2"].document_links.count() == 2
        assert policy.links.count() == 2
        assert DocumentLink.objects.filter(document=register).get().response == responses["1.1.2"]


# Lowest first; apps in the same layer may depend on each other's migrations.
LAYER = {
    "accounts": 0,
    "organisations": 0,
    "evidence": 1,
    "assessments": 2,
    "reports": 3,
    "reminders": 3,
    "dashboards": 4,
}


def test_no_app_migration_depends_on_a_higher_app():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    wrong = [
        f"{app}.{name} -> {dep_app}.{dep_name}"
        for (app, name), node in graph.node_map.items()
        if app in LAYER
        for dep_app, dep_name in (parent.key for parent in node.parents)
        if dep_app in LAYER and LAYER[dep_app] > LAYER[app]
    ]
    assert wrong == []
    evidence_deps = {
        p.key[0]
        for key, node in graph.node_map.items()
        if key[0] == "evidence"
        for p in node.parents
    }
    assert "assessments" not in evidence_deps
