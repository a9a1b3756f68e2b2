"""The consultant portfolio: whose homes, the numbers, filters, CSV and query counts."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import Level
from dashboards.portfolio import PortfolioFilters, portfolio_organisations, portfolio_rows
from organisations.models import Role
from tests.assessments.factories import assessment_for
from tests.dashboards.conftest import TODAY, answer_text, build_homes
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_portfolio_holds_consultant_homes_and_a_head_offices_sites_only(consultant):
    advised = OrganisationFactory(name="Advised")
    MembershipFactory(organisation=advised, user=consultant, role=Role.CONSULTANT)
    edited = OrganisationFactory(name="Only an editor here")
    MembershipFactory(organisation=edited, user=consultant, role=Role.EDITOR)
    head_office = OrganisationFactory(name="Group HQ", ods_code="A1B2")
    MembershipFactory(organisation=head_office, user=consultant, role=Role.ADMIN)
    OrganisationFactory(name="Group site", parent=head_office)
    OrganisationFactory(name="Somebody else's")

    names = sorted(portfolio_organisations(consultant).values_list("name", flat=True))

    assert names == ["Advised", "Group HQ", "Group site"]


def test_someone_without_a_portfolio_gets_404_and_no_header_link(client, organisation, member):
    user = member(Role.ADMIN)
    _signed_in(client, user)

    assert client.get(reverse("organisations:portfolio")).status_code == 404
    home = client.get(reverse("organisations:home", args=[organisation.slug]))
    assert reverse("organisations:portfolio") not in home.text


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("organisations:portfolio"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_rows_show_outcome_progress_blockers_and_overdue_reviews(consultant, catalogue, today):
    [home] = build_homes(1, consultant, catalogue, answered=1)

    [row] = portfolio_rows(consultant)

    # simple_items(6): AS, SM, optional in turn; only the first AS item is answered.
    assert row.organisation == home
    assert row.outcome_key == "not_yet"
    assert row.outcome.answered_mandatory == 1 and row.outcome.total_mandatory == 4
    assert row.percent_done == 25
    assert row.blockers == 1  # the other Approaching Standards item
    assert row.documents_overdue == 1
    assert row.days_to_deadline == (dt.date(2026, 6, 30) - TODAY).days
    assert row.expected_percent == 67
    assert row.behind_schedule
    assert "25% done, 67% expected by now" in row.why


def test_a_home_without_an_assessment_is_behind_and_says_so(consultant, today):
    home = OrganisationFactory(name="Not started")
    MembershipFactory(organisation=home, user=consultant, role=Role.CONSULTANT)

    [row] = portfolio_rows(consultant)

    assert row.outcome is None and row.outcome_label == "No assessment yet"
    assert row.behind_schedule
    assert row.why == "No assessment started"


def test_filters_search_and_sort(consultant, catalogue, today):
    behind = build_homes(2, consultant, catalogue, answered=1)
    ahead = build_homes(1, consultant, catalogue, answered=6)[0]
    rows = portfolio_rows(consultant)

    names = lambda f: [r.organisation.name for r in PortfolioFilters.from_query(f).apply(rows)]  # noqa: E731

    assert names({"behind": "1"}) == sorted(o.name for o in behind)
    assert names({"outcome": "standards_met"}) == [ahead.name]
    assert names({"q": ahead.ods_code.lower()}) == [ahead.name]
    assert names({"sort": "-done"})[0] == ahead.name
    assert names({"sort": "done"})[-1] == ahead.name
    assert names({"sort": "nonsense", "outcome": "nonsense"})[-1] == ahead.name


def test_the_count_reads_as_english_for_one_home(client, consultant, catalogue, today):
    (home,) = build_homes(1, consultant, catalogue, answered=1)
    _signed_in(client, consultant)

    assert "Showing your 1 home." in client.get(reverse("organisations:portfolio")).text
    found = client.get(reverse("organisations:portfolio"), {"q": home.name})
    assert "1 of 1 home matches." in found.text
    none = client.get(reverse("organisations:portfolio"), {"q": "no such home"})
    assert "0 of 1 home match." in none.text


def test_page_lists_homes_with_words_not_just_colour(client, consultant, catalogue, today):
    build_homes(2, consultant, catalogue, answered=1)
    _signed_in(client, consultant)

    page = client.get(reverse("organisations:portfolio"), {"behind": "1"})

    assert page.status_code == 200
    assert "Not yet at Approaching Standards" in page.text
    assert "2 of 2 homes match" in page.text
    assert "Standards at a glance" in page.text
    # Heat grid: standard 1's one mandatory item answered, standard 2's not; text in cells.
    assert '<td class="heat--full">✓ 1/1</td>' in page.text
    assert '<td class="heat--none">0/1</td>' in page.text


@pytest.mark.parametrize("homes", [5, 500])
def test_portfolio_renders_in_constant_queries(
    client, consultant, catalogue, today, homes, django_assert_max_num_queries
):
    build_homes(homes, consultant, catalogue, answered=2)
    _signed_in(client, consultant)

    # The day's first look works out every home's figures and stores them (a constant
    # number of queries too); later looks read the stored figures.
    with django_assert_max_num_queries(24):
        client.get(reverse("organisations:portfolio"))
    # About 10 are sign-in, session and MFA checks; the rest is the portfolio itself: the
    # homes with their counts (one query), two for the stored figures, the overdue actions,
    # whatever the number of homes.
    with django_assert_max_num_queries(15):
        page = client.get(reverse("organisations:portfolio"))

    assert page.status_code == 200
    assert f"Showing all {homes} homes" in page.text


def test_numbers_match_each_home_page_on_seeded_data(client, settings, today):
    """The portfolio's figures come from a bulk loader; the home page from the assessment
    pages' own `assessment_outcome`. On the demo data they must agree for every home."""
    call_command("seed_demo", verbosity=0)
    from accounts.models import User

    consultant = User.objects.get(email="consultant@demo.example")
    give_totp(consultant)
    _signed_in(client, consultant)
    rows = portfolio_rows(consultant)
    assert len(rows) == 3
    for row in rows:
        home = client.get(reverse("organisations:home", args=[row.organisation.slug]))
        board = home.context["board"]
        if board.outcome is None:
            assert row.outcome is None
            continue
        assert row.outcome_key == board.outcome_key
        assert row.percent_done == board.outcome.percent_mandatory_done
        assert row.blockers == len(board.outcome.blockers_for_next)
        assert [(p.key, p.answered, p.mandatory_answered) for p in row.outcome.by_standard] == [
            (p.key, p.answered, p.mandatory_answered) for p in board.outcome.by_standard
        ]
        assert f"{board.outcome.percent_mandatory_done}%" in home.text


def test_numbers_match_the_home_page_with_document_links(client, consultant, today):
    """A document item answered only by a linked document counts in both places."""
    from tests.assessments.factories import catalogue_with
    from tests.evidence.factories import DocumentFactory

    catalogue = catalogue_with(
        [
            {"ref": "1.1.1", "level": Level.APPROACHING, "answer_type": "document"},
            {"ref": "1.1.2", "level": Level.APPROACHING},
            {"ref": "2.1.1", "level": Level.MET},
        ]
    )
    home = OrganisationFactory()
    MembershipFactory(organisation=home, user=consultant, role=Role.CONSULTANT)
    assessment = assessment_for(home, catalogue)
    doc = DocumentFactory(organisation=home)
    with scopes_disabled():
        doc_item, text_item, _ = assessment.responses.order_by("item__sort_key")
        doc_item.document_links.create(organisation=home, document=doc)
    answer_text(text_item)

    [row] = portfolio_rows(consultant)
    _signed_in(client, consultant)
    board = client.get(reverse("organisations:home", args=[home.slug])).context["board"]

    assert row.outcome_key == board.outcome_key == "approaching_standards"
    assert row.percent_done == board.outcome.percent_mandatory_done == 67


def test_csv_exports_ticked_homes_or_everything_shown(client, consultant, catalogue, today):
    homes = build_homes(3, consultant, catalogue, answered=1)
    other = OrganisationFactory(name='=HYPERLINK("x")')
    _signed_in(client, consultant)

    ticked = client.post(
        reverse("organisations:portfolio_export"), {"org": [homes[0].pk, other.pk]}
    )
    everything = client.get(reverse("organisations:portfolio_export"), {"q": "home"})

    assert ticked["Content-Type"].startswith("text/csv")
    lines = ticked.content.decode().splitlines()
    assert lines[0].startswith("Name,ODS code,Projected outcome")
    assert len(lines) == 2 and lines[1].startswith(f"{homes[0].name},{homes[0].ods_code},")
    assert "HYPERLINK" not in ticked.content.decode()  # not in the portfolio: never exported
    assert len(everything.content.decode().splitlines()) == 4


def test_csv_neutralises_formulas_in_names(consultant, today):
    from dashboards.portfolio import portfolio_csv

    home = OrganisationFactory(name="=cmd|' /C calc'!A0")
    MembershipFactory(organisation=home, user=consultant, role=Role.CONSULTANT)

    text = portfolio_csv(portfolio_rows(consultant))

    assert "\n'=cmd" in text


def test_head_office_admin_sees_sites_but_only_links_homes_they_belong_to(client, today):
    admin = UserFactory()
    head_office = OrganisationFactory(name="Group HQ", ods_code="A1B2")
    MembershipFactory(organisation=head_office, user=admin, role=Role.ADMIN)
    site = OrganisationFactory(name="Group site", parent=head_office)
    _signed_in(client, admin)

    page = client.get(reverse("organisations:portfolio"))

    assert page.status_code == 200
    assert "Group site" in page.text and "site of Group HQ" in page.text
    assert reverse("organisations:home", args=[head_office.slug]) in page.text
    assert reverse("organisations:home", args=[site.slug]) not in page.text
    assert reverse("organisations:portfolio") in page.text  # the header link


def test_has_portfolio_agrees_with_the_portfolio_for_every_kind_of_member(catalogue):
    from dashboards.portfolio import has_portfolio

    head_office = OrganisationFactory(name="Group HQ")
    site = OrganisationFactory(name="Group site", parent=head_office)
    lone = OrganisationFactory(name="A home on its own")
    cases = {
        "consultant": (lone, Role.CONSULTANT),
        "head office admin": (head_office, Role.ADMIN),
        "site admin": (site, Role.ADMIN),
        "lone admin": (lone, Role.ADMIN),
        "head office editor": (head_office, Role.EDITOR),
    }
    answers = {}
    for name, (organisation, role) in cases.items():
        user = UserFactory()
        MembershipFactory(organisation=organisation, user=user, role=role)
        answers[name] = (has_portfolio(user), portfolio_organisations(user).exists())

    assert answers == {
        "consultant": (True, True),
        "head office admin": (True, True),
        "site admin": (False, False),
        "lone admin": (False, False),
        "head office editor": (False, False),
    }


def test_the_home_page_asks_whether_to_show_portfolio_once(client, consultant, catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    home = OrganisationFactory()
    MembershipFactory(organisation=home, user=consultant, role=Role.CONSULTANT)
    _signed_in(client, consultant)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("organisations:home", args=[home.slug]))

    assert f'href="{reverse("organisations:portfolio")}"' in page.text
    asked = [q["sql"] for q in queries if "parent_id" in q["sql"] and "consultant" in q["sql"]]
    assert len(asked) == 1


def test_exporting_with_no_home_ticked_says_tick_one_instead_of_an_empty_file(
    client, consultant, catalogue, today
):
    build_homes(2, consultant, catalogue)
    _signed_in(client, consultant)
    back = reverse("organisations:portfolio") + "?q=home"

    response = client.post(reverse("organisations:portfolio_export"), {"next": back})

    assert response.status_code == 302 and response["Location"] == back
    assert "Tick at least one home to export." in client.get(back).text


def test_portfolio_queries_do_not_grow_from_5_to_50_homes(
    client, consultant, catalogue, today, django_assert_max_num_queries
):
    """The same queries for 50 homes as for 5, on the day's first look and after, and
    none of the later ones reads a home's answers."""
    url = reverse("organisations:portfolio")
    build_homes(5, consultant, catalogue, answered=2)
    _signed_in(client, consultant)
    with CaptureQueriesContext(connection) as first_five:
        client.get(url)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    build_homes(45, consultant, catalogue, answered=4)
    with django_assert_max_num_queries(len(first_five.captured_queries)):
        client.get(url)
    with django_assert_max_num_queries(len(five.captured_queries)) as fifty:
        page = client.get(url)
    assert "Showing all 50 homes" in page.text
    read = " ".join(q["sql"] for q in fifty.captured_queries)
    assert "assessments_response" not in read and "assessments_documentlink" not in read


def test_heat_cells_read_like_the_grid_key():
    from assessments.outcome import Progress
    from dashboards.portfolio import heat_cell

    def cell(answered, total):
        c = heat_cell(Progress("1", "1. Data", mandatory_answered=answered, mandatory_total=total))
        return (c.kind, c.answered, c.total)

    assert heat_cell(None).kind == "na"
    assert cell(0, 0)[0] == "na"
    assert cell(5, 5) == ("full", 5, 5)
    assert cell(0, 5) == ("none", 0, 5)
    assert cell(3, 4) == ("most", 3, 4)  # 75%
    assert cell(2, 3) == ("some", 2, 3)  # 67%
