"""Shared fixtures: organisations, members by role, and clients signed in as each role."""

import functools

import pytest
from django.apps import apps
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate
from django.test import Client
from django_scopes import scopes_disabled
from django_scopes.state import state

from organisations.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_totp


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Fixtures may create and read any tenant's rows. Test bodies run with scopes on, as
    production code does: a test that reads tenant rows directly says so with
    `scopes_disabled()`, and a service or task that forgets its scope fails here too."""
    with scopes_disabled():
        return (yield)


@functools.cache
def _schedule_migration_code():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [
        operation.code
        for migration in loader.disk_migrations.values()
        if any(app == "django_celery_beat" for app, _ in migration.dependencies)
        for operation in migration.operations
        if isinstance(operation, RunPython)
    ]


def _restore_beat_schedules(sender, **kwargs):
    """Put back the periodic-task rows the data migrations made, after a flush.

    A transactional test (the browser tests) ends by flushing every table, and Django sends
    `post_migrate` after a flush. Run in one process, pytest-django puts those tests last;
    spread over workers, a worker's schedule tests may come after them. This re-runs the
    migrations' own forward code (all `get_or_create`), so the rows are exactly theirs."""
    for code in _schedule_migration_code():
        code(apps, None)  # they write rows only, never the schema


post_migrate.connect(_restore_beat_schedules, sender=apps.get_app_config("reminders"))


class ScopedClient(Client):
    """Runs each request with a fresh, enabled scope state, exactly as in production.

    `force_login` of a user with an authenticator app stands for a full sign-in: password
    and code, as allauth records them in the session (a plain Django `Client` does not).
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        from tests.factories import mark_second_factor_passed

        mark_second_factor_passed(self, user)

    def request(self, **request):
        token = state.set({})
        try:
            return super().request(**request)
        finally:
            state.reset(token)


@pytest.fixture
def client():
    return ScopedClient()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Meadowbank House", ods_code="VN4K2", slug="vn4k2")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Elsewhere Care", ods_code="VZ9Z9", slug="vz9z9")


@pytest.fixture
def member(organisation):
    """member(role) -> a user with that role in `organisation`."""

    def make(role: str = Role.EDITOR, **user_kwargs):
        return MembershipFactory(
            organisation=organisation, role=role, user=UserFactory(**user_kwargs)
        ).user

    return make


@pytest.fixture
def client_as(member):
    """client_as(role) -> a client signed in as a new member with that role ("outsider": none)."""

    def make(role: str):
        c = ScopedClient()
        user = UserFactory() if role == "outsider" else member(role)
        if role == Role.CONSULTANT:
            give_totp(user)  # the platform requires two-step sign-in for consultants
        c.force_login(user)
        c.user = user
        return c

    return make
