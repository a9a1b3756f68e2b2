"""Test data. Child factories take their organisation from their parent object."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import User
from organisations.models import Invitation, Membership, Organisation, Role

PASSWORD = "correct-horse-battery-staple"


class ScopesDisabledFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class UserFactory(ScopesDisabledFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(ScopesDisabledFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Willow Court Care Home {n}")
    ods_code = factory.Sequence(lambda n: f"V{n:04d}"[:5] if n < 10000 else f"X{n}")
    slug = factory.LazyAttribute(lambda o: o.ods_code.lower())
    service_type = "care_home"


class MembershipFactory(ScopesDisabledFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR


class InvitationFactory(ScopesDisabledFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.EDITOR
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


def mark_second_factor_passed(client, user) -> None:
    """Record in the client's session that it signed in with password and code (allauth's
    record of authentication methods), if the user has an authenticator app."""
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


@scopes_disabled()  # test set-up: any tenant's rows
def give_totp(user, secret: str = "JBSWY3DPEHPK3PXP") -> None:  # noqa: S107 - test secret
    """Enrol the user in TOTP two-step sign-in (as if they had scanned the QR code)."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
