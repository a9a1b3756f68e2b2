"""Catalogue and assessment test data. Child factories take organisation from their parent."""

import datetime as dt

import factory
from django_scopes import scopes_disabled

from assessments.models import (
    AnswerType,
    Assertion,
    Assessment,
    CatalogueVersion,
    Category,
    EvidenceItem,
    Level,
    Response,
    Standard,
)
from tests.factories import OrganisationFactory, ScopesDisabledFactory


class CatalogueVersionFactory(ScopesDisabledFactory):
    class Meta:
        model = CatalogueVersion

    key = factory.Sequence(lambda n: f"test-{n}")
    label = factory.LazyAttribute(lambda o: f"Test catalogue {o.key}")
    dspt_year = 2026
    content_hash = factory.Sequence(lambda n: f"{n:064d}")


class StandardFactory(ScopesDisabledFactory):
    class Meta:
        model = Standard

    version = factory.SubFactory(CatalogueVersionFactory)
    number = factory.Sequence(lambda n: n % 10 + 1)
    name = factory.LazyAttribute(lambda o: f"Standard {o.number}")


class AssertionFactory(ScopesDisabledFactory):
    class Meta:
        model = Assertion

    standard = factory.SubFactory(StandardFactory)
    version = factory.SelfAttribute("standard.version")
    ref = factory.LazyAttribute(lambda o: f"{o.standard.number}.1")
    title = "Things are done properly"


class EvidenceItemFactory(ScopesDisabledFactory):
    class Meta:
        model = EvidenceItem

    assertion = factory.SubFactory(AssertionFactory)
    standard = factory.SelfAttribute("assertion.standard")
    version = factory.SelfAttribute("assertion.version")
    ref = factory.Sequence(lambda n: f"1.1.{n + 1}")
    summary = "A thing the organisation does"
    guidance = "Say what, where it is held and when it was last reviewed."
    level = Level.APPROACHING
    category = Category.POLICIES
    answer_type = AnswerType.TEXT
    sort_key = factory.Sequence(lambda n: n)


@scopes_disabled()  # test set-up: any tenant's rows
def catalogue_with(items: list[dict], **version_kwargs) -> CatalogueVersion:
    """A catalogue holding these items (dicts of EvidenceItem fields; 'ref' is required).

    Standards and assertions are derived from each ref ("3.2.1" -> standard 3, assertion 3.2).
    """
    version = CatalogueVersionFactory(**version_kwargs)
    standards, assertions = {}, {}
    for i, data in enumerate(items):
        number, a = data["ref"].split(".")[:2]
        std = standards.get(number) or StandardFactory(version=version, number=int(number))
        standards[number] = std
        aref = f"{number}.{a}"
        assertion = assertions.get(aref) or AssertionFactory(
            version=version, standard=std, ref=aref, sort_key=len(assertions)
        )
        assertions[aref] = assertion
        EvidenceItemFactory(assertion=assertion, sort_key=i, **data)
    return version


def simple_items(n: int, levels=(Level.APPROACHING, Level.MET, Level.OPTIONAL)) -> list[dict]:
    """n text items spread over standards 1-10 with the given levels in turn."""
    return [
        {
            "ref": f"{i % 10 + 1}.1.{i // 10 + 1}",
            "level": levels[i % len(levels)],
            "summary": f"Item number {i + 1}",
        }
        for i in range(n)
    ]


@scopes_disabled()  # test set-up: any tenant's rows
def assessment_for(organisation=None, catalogue=None, **kwargs) -> Assessment:
    """An assessment with one empty response per catalogue item."""
    organisation = organisation or OrganisationFactory()
    catalogue = catalogue or catalogue_with(simple_items(6))
    assessment = AssessmentFactory(organisation=organisation, catalogue=catalogue, **kwargs)
    for item in catalogue.items.all():
        Response.objects.create(organisation=organisation, assessment=assessment, item=item)
    return assessment


class AssessmentFactory(ScopesDisabledFactory):
    class Meta:
        model = Assessment

    organisation = factory.SubFactory(OrganisationFactory)
    catalogue = factory.SubFactory(CatalogueVersionFactory)
    dspt_year = factory.SelfAttribute("catalogue.dspt_year")
    deadline = factory.LazyAttribute(lambda o: dt.date(o.dspt_year, 6, 30))


@scopes_disabled()  # test set-up: any tenant's rows
def answer(response, **fields) -> Response:
    """Give a response a valid answer of its item's type (or the fields passed)."""
    if not fields:
        fields = {
            AnswerType.CONFIRMATION: {"answer_confirmed": True},
            AnswerType.TEXT: {
                "answer_text": "Held in the IG folder, section 2, reviewed 3 March 2026."
            },
            AnswerType.DOCUMENT: {
                "answer_text": "Shared drive > Policies > DP policy v3 (May 2026)"
            },
            AnswerType.NUMBER: {"answer_number": 97},
            AnswerType.DATE: {"answer_date": dt.date(2026, 3, 1)},
        }[response.item.answer_type]
    for name, value in fields.items():
        setattr(response, name, value)
    response.save()
    return response


# What the approver ticks and signs as on the review page (assessment_approve's keywords).
SIGNED = {"declared": True, "name": "Margaret Ellis", "role": "Registered Manager"}
