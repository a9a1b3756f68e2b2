"""Two-step sign-in for everyone who must use it, checked on every request.

A user who must use a second factor is sent to enrolment until they have one, and a
session that signed in without passing it (whatever door it came through) is ended:
having a device is not enough, *this* session must have used it.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
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


def session_passed_second_factor(request) -> bool:
    """True when this session used a second factor (signing in, or enrolling one)."""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user))


class MfaEnrolmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not session_passed_second_factor(request)
            and mfa_required_for(user)
        ):
            if has_totp(user):
                # Signed in with a password only (no door of ours allows that, so end it).
                logout(request)
                messages.info(
                    request,
                    "Please sign in again with your password and the code from your "
                    "authenticator app.",
                )
                return redirect_to_login(request.get_full_path())
            if not request.path.startswith(_ALLOWED_PREFIXES):
                messages.info(
                    request,
                    "Your organisation requires two-step sign-in. Set up an authenticator app "
                    "to continue.",
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
