"""Send a user who must use two-factor authentication to enrolment before anything else."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

# Paths a user who must enrol may still reach: account pages (enrolment, re-entering the
# password it may ask for, signing out), assets, health checks.
_ALLOWED_PREFIXES = (
    "/accounts/",
    "/static/",
    "/healthz",
    "/invitations/",
)


def mfa_required_for(user) -> bool:
    """True when the platform or one of the user's organisations requires two-factor."""
    from organisations.models import Membership, Role

    if settings.MFA_REQUIRED_FOR_CONSULTANTS_AND_STAFF and user.is_staff:
        return True
    memberships = Membership.objects.filter(user=user)
    if settings.MFA_REQUIRED_FOR_CONSULTANTS_AND_STAFF:
        if memberships.filter(role=Role.CONSULTANT).exists():
            return True
    return memberships.filter(organisation__require_mfa=True).exists()


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MfaEnrolmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and mfa_required_for(user)
            and not has_totp(user)
        ):
            messages.info(
                request,
                "Your organisation requires two-step sign-in. Set up an authenticator app "
                "to continue.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
