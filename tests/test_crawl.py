"""Every link each demo user is shown works, and every safe form they are offered submits.

For each demo login (README's table), the crawler in tests/crawl.py starts at `/`, follows
every same-site link and `hx-get` breadth first and submits each page's forms with the
values the page filled in. A link must not answer 404, 405 or 5xx; a form must not answer
5xx. The demo data is `seed_demo`'s: Meadowbank mostly answered with a plan, Riverside
approved (so its pages are locked), Oakfield with no assessment yet.

KNOWN_BROKEN lists what is broken today, each with why; remove an entry when its fix
merges (the test fails on an entry that no longer happens, so the list stays true).
"""

import io

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import User
from tests.crawl import Crawler
from tests.factories import give_totp

pytestmark = pytest.mark.django_db

# (demo login, why this one)
LOGINS = {
    "manager": "care manager, admin of Meadowbank (assessment under way, plan)",
    "iglead": "IG lead, editor at Meadowbank",
    "viewer": "viewer at Meadowbank",
    "director": "senior accountable person at Meadowbank",
    "consultant": "consultant to all three homes (portfolio, two-step sign-in)",
    "riverside": "admin and senior accountable person of Riverside (approved: locked)",
    "oakfield": "admin of Oakfield, which has no assessment yet",
    "platform": "platform staff (overview and Django admin, two-step sign-in)",
}

# Links never followed (url name -> why).
SKIP_LINKS = {
    "account_logout": "ends the crawl's session",
}

# Forms never submitted (url name -> why). Everything else is posted with the page's own
# values: answers, comments, plans, documents, uploads, invitations, settings, imports.
SKIP_FORMS = {
    "account_logout": "ends the crawl's session",
    "evidence:document_delete": "deletes a document other pages link to",
    "evidence:record_delete": "deletes a training record",
    "assessments:action_delete": "deletes an improvement action",
    "organisations:member_remove": "removes a member (or the crawler itself: leave)",
    "organisations:invitation_revoke": "withdraws an invitation",
    "assessments:submit": "sends for approval: locks the answers the crawl goes on to post",
    "assessments:approve": "approves: locks the assessment (Riverside covers locked pages)",
    "assessments:return": "returns an assessment the SAP has not reviewed",
    "assessments:new_revision": "reopens an approved assessment (Riverside must stay locked)",
}
# Prefixes of url names whose forms are never submitted (why).
SKIP_FORM_PREFIXES = {
    "account_": "allauth's own sign-in, email and password forms (tests/accounts covers them)",
    "mfa_": "two-step sign-in set-up and removal would change how the crawler signs in",
    "admin:": "the admin's forms change or delete support data (tests/accounts covers them)",
}

# (login, kind, method, url name, status) -> why it is broken today. Remove an entry when
# its fix merges: the test fails on an entry that no longer happens.
KNOWN_BROKEN: dict[tuple[str, str, str, str, int], str] = {}


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    with scopes_disabled():
        _approve_riverside()


def _approve_riverside():
    from assessments.models import Assessment
    from assessments.services import assessment_approve, assessment_submit
    from tests.assessments.factories import answer

    assessment = Assessment.objects.get(organisation__slug="a7q2k")
    sap = User.objects.get(email="riverside@demo.example")
    for response in assessment.responses.select_related("item"):
        if response.item.ref == "1.3.1":  # policies reviewed: the date counts
            answer(response, answer_confirmed=True, answer_date=timezone.localdate())
        elif not response.is_answered:
            answer(response)
    assessment_submit(assessment=assessment, by=sap)
    assessment_approve(
        assessment=assessment, by=sap, declared=True, name="Aisha Begum", role="Manager"
    )


def crawl_as(client, login: str) -> Crawler:
    with scopes_disabled():
        user = User.objects.get(email=f"{login}@demo.example")
        if login in ("consultant", "platform"):
            give_totp(user)
    client.force_login(user)
    client.raise_request_exception = False  # a view's exception is the 500 a user would see
    crawler = Crawler(client, skip_links=SKIP_LINKS, skip_forms=_FormSkips())
    start = ["/", "/admin/"] if login == "platform" else ["/"]
    crawler.run(start)
    return crawler


class _FormSkips(dict):
    def __init__(self):
        super().__init__(SKIP_FORMS)

    def __contains__(self, name) -> bool:
        return super().__contains__(name) or any(name.startswith(p) for p in SKIP_FORM_PREFIXES)


@pytest.mark.parametrize("login", LOGINS)
def test_every_link_and_safe_form_works(client, demo, login):
    crawler = crawl_as(client, login)
    assert len(crawler.visited) > 20, f"{login} reached almost nothing: {crawler.visited}"
    assert crawler.submitted, f"{login} submitted no form"
    found = {(login, p.kind, p.method, p.url_name, p.status): p for p in crawler.problems}
    new = [str(p) for key, p in found.items() if key not in KNOWN_BROKEN]
    assert not new, "\n".join(new)
    fixed = [key for key in KNOWN_BROKEN if key[0] == login and key not in found]
    assert not fixed, f"Fixed: remove these from KNOWN_BROKEN in tests/test_crawl.py: {fixed}"


def test_the_skip_lists_name_real_pages():
    for name in [*SKIP_LINKS, *SKIP_FORMS]:
        try:
            reverse(name)
        except NoReverseMatch as e:
            assert "with no arguments not found" in str(e) or "arguments '()'" in str(e), name
