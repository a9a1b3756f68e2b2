"""Every tenant URL x anonymous, outsider and each role (pretix test_permissions.py).

Anonymous -> sign-in redirect; outsider -> 404 (same as an unknown organisation);
a member below the URL's role -> 403; a member with the role -> 2xx or 3xx.
A URL pattern that takes an organisation or an object id and has no case fails
`test_every_tenant_url_has_a_case`; a method (GET, POST) a URL accepts with no case fails
`test_every_method_a_url_accepts_has_a_case`; a case whose roles differ from the role its
view declares (`required_role`, set by organisations.access) fails; and every URL with an
object id answers 404 to an admin who asks for another organisation's object under their
own organisation's slug.
"""

import pkgutil
import re
from dataclasses import replace
from importlib import import_module

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

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


# -- every method each URL accepts, the role each view declares, other homes' objects ---

METHODS = ("get", "post")
ROLE_ORDER = [Role.VIEWER, Role.EDITOR, Role.CONSULTANT, Role.ADMIN]
# What a view's declared role (`required_role`, set by organisations.access) lets in.
DECLARED = {
    Role.VIEWER: (Role.VIEWER, Role.EDITOR, Role.CONSULTANT, Role.ADMIN),
    Role.EDITOR: (Role.EDITOR, Role.CONSULTANT, Role.ADMIN),
    Role.CONSULTANT: (Role.CONSULTANT, Role.ADMIN),
    Role.ADMIN: (Role.ADMIN,),
    "invite": (Role.CONSULTANT, Role.ADMIN),
}
BY_NAME: dict[str, list[Case]] = {}
for _case in CASES:
    BY_NAME.setdefault(_case.url_name, []).append(_case)


def _declared_role(url_name: str):
    view = resolve(reverse(url_name, kwargs=_sample_kwargs(url_name))).func
    while view is not None:
        if "required_role" in getattr(view, "__dict__", {}):
            return view.required_role
        view = getattr(view, "__wrapped__", None)
    return None


def _sample_kwargs(url_name: str) -> dict:
    """Kwargs of the right shape for reversing (values never looked up)."""
    route = dict((n, r) for n, r in _walk(get_resolver().url_patterns) if n)[url_name]
    kwargs = {}
    for converter, name in re.findall(r"<(\w+):(\w+)>", route):
        kwargs[name] = {"int": 1, "slug": "x", "str": "x"}.get(converter, "x")
    return kwargs


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(BY_NAME))
def test_every_method_a_url_accepts_has_a_case(client_as, url_name, ctx):
    """A method with no case must be refused with 405 (asked as an admin, who may do most)."""
    covered = {c.method for c in BY_NAME[url_name]}
    template = BY_NAME[url_name][0]
    admin = client_as(Role.ADMIN)
    for method in METHODS:
        if method in covered:
            continue
        response = _call(admin, replace(template, method=method), ctx, ctx["organisation"].slug)
        assert response.status_code == 405, (
            f"{url_name} answers {method.upper()} with {response.status_code}: add a Case "
            f"for it in tests/access_cases/, or refuse the method in the view"
        )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_case_allows_the_roles_its_view_declares(case):
    declared = _declared_role(case.url_name)
    if declared is None:
        pytest.skip("the view checks the role itself; the case says who may")
    assert set(case.allowed) == set(DECLARED[declared]), (
        f"{case.id}: the view declares {declared!r}, the case allows {case.allowed}"
    )


@pytest.fixture
def other_ctx(other_organisation):
    context = {"organisation": other_organisation}
    for module in MODULES:
        if hasattr(module, "objects"):
            module.objects(context)
    return context


# An item reference ("1.1.2") names the same item in every home: it is not an object id.
OBJECT_CASES = [c for c in CASES if set(_sample_kwargs(c.url_name)) - {"org", "ref"}]


@pytest.mark.django_db
@pytest.mark.parametrize("case", OBJECT_CASES, ids=lambda c: c.id)
def test_another_organisations_object_under_your_own_slug_is_404(client_as, case, ctx, other_ctx):
    """An admin of one home asks for another home's object under their own slug."""
    url = reverse(case.url_name, kwargs={"org": ctx["organisation"].slug, **case.kwargs(other_ctx)})
    data = case.data(other_ctx) if callable(case.data) else case.data
    admin = client_as(Role.ADMIN)
    response = admin.post(url, data or {}) if case.method == "post" else admin.get(url, data or {})
    assert response.status_code == 404, f"{case.id} with another home's id: {response.status_code}"
