"""Register test data."""

import datetime as dt

import factory
from django.utils import timezone

from registers.models import (
    Breach,
    ContinuityTest,
    InformationAsset,
    ITAsset,
    SubjectAccessRequest,
    Supplier,
)
from tests.factories import OrganisationFactory, ScopesDisabledFactory


class BreachFactory(ScopesDisabledFactory):
    class Meta:
        model = Breach

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Care plan sent to the wrong family {n}")
    discovered_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))


class SubjectAccessRequestFactory(ScopesDisabledFactory):
    class Meta:
        model = SubjectAccessRequest

    organisation = factory.SubFactory(OrganisationFactory)
    requester = factory.Sequence(lambda n: f"Resident's son {n}")
    received_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))


class ITAssetFactory(ScopesDisabledFactory):
    class Meta:
        model = ITAsset

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Office laptop {n}")
    kind = "computer"
    checked_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class SupplierFactory(ScopesDisabledFactory):
    class Meta:
        model = Supplier

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Supplier {n} Ltd")
    service = "IT support"
    checked_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class InformationAssetFactory(ScopesDisabledFactory):
    class Meta:
        model = InformationAsset

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Care records {n}")
    owner = "Registered Manager"
    personal_data = "Names, health, medication"
    held_as = "system"
    reviewed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class ContinuityTestFactory(ScopesDisabledFactory):
    class Meta:
        model = ContinuityTest

    organisation = factory.SubFactory(OrganisationFactory)
    tested_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    scenario = "cyber"
    description = "Tabletop exercise: ransomware locks the care planning system"
