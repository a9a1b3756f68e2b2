"""Every tenant URL x anonymous, outsider and each role (pretix test_permissions.py).

Anonymous -> sign-in redirect; outsider -> 404 (same as an unknown organisation);
a member below the URL's role -> 403; a member with the role -> 2xx or 3xx.
A URL pattern that takes an organisation or an object id and has no case fails
`test_every_tenant_url_has_a_case`.
"""

import pkgutil
from importlib import import_module

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access_cases as access_cases_pkg
from organisations.models import Role
from tests.access_matrix import Case

MODULES = [
    import_module(f"tests.access_cases.{m.name}")
    for m in pkgutil.iter_modules(access_cases_pkg.__path__)
]
CASES: list[Case] = [case for module in MODULES for case in module.CASES]
ROLES = [Role.VIEWER, Role.EDITOR, Role.CONSULTANT, Role.ADMIN]

# Patterns with ids that are not tenant pages (their own tests cover them).
NOT_TENANT = {
    "organisations:invitation_accept",  # token in URL; tested in tests/organisations
    "reminders:unsubscribe",  # signed token, no login by design; tested in tests/reminders
}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else None, prefix + str(p.pattern)


def tenant_url_names() -> set[str]:
    names = set()
    for name, route in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") or route.startswith("accounts/"):
            continue
        if "<slug:org>" in route or "<int:" in route or "<uuid:" in route or "<str:" in route:
            assert name, f"URL pattern {route!r} needs a name to be access-tested"
            names.add(name)
    return names - NOT_TENANT


def test_every_tenant_url_has_a_case():
    covered = {c.url_name for c in CASES}
    missing = sorted(tenant_url_names() - covered)
    assert not missing, f"Add access cases in tests/access_cases/ for: {missing}"


@pytest.fixture
def ctx(organisation):
    context = {"organisation": organisation}
    for module in MODULES:
        if hasattr(module, "objects"):
            module.objects(context)
    return context


def _call(client, case: Case, ctx, org_slug: str):
    url = reverse(case.url_name, kwargs={"org": org_slug, **case.kwargs(ctx)})
    data = case.data(ctx) if callable(case.data) else case.data
    if case.method == "post":
        return client.post(url, data or {})
    return client.get(url, data or {})


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_anonymous_is_sent_to_sign_in(client, case, ctx):
    response = _call(client, case, ctx, ctx["organisation"].slug)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_outsider_gets_404(client_as, case, ctx):
    response = _call(client_as("outsider"), case, ctx, ctx["organisation"].slug)
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_unknown_organisation_gets_404(client_as, case, ctx):
    response = _call(client_as(Role.ADMIN), case, ctx, "no-such-org")
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_role_gets_the_expected_answer(client_as, case, role, ctx):
    response = _call(client_as(role), case, ctx, ctx["organisation"].slug)
    if role in case.allowed:
        assert 200 <= response.status_code < 400, (
            f"{role} should reach {case.id}, got {response.status_code}"
        )
    else:
        assert response.status_code == case.denied_status, (
            f"{role} should be refused {case.id}, got {response.status_code}"
        )
