import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from dspt_portal.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Signup is open; sign-in lands on the organisation landing page."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def get_client_ip(self, request: HttpRequest) -> str:
        # The same address the audit log records (behind TRUSTED_PROXY_COUNT proxies).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Someone who signed in with their password a few minutes ago (e.g. and was then
        # sent straight to two-step enrolment) need not type it again.
        request = getattr(context, "request", None)
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            recent = [
                r
                for r in records
                if r.get("method") == "password"
                and time.time() - r.get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT
            ]
            if recent:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)
