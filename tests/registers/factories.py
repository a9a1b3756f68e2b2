"""Register test data."""

import datetime as dt

import factory
from django.utils import timezone

from registers.models import Breach
from tests.factories import OrganisationFactory, ScopesDisabledFactory


class BreachFactory(ScopesDisabledFactory):
    class Meta:
        model = Breach

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Care plan sent to the wrong family {n}")
    discovered_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
