"""Account pages of our own around allauth's."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.views import ActivateTOTPView


class EnrolTOTPView(ActivateTOTPView):
    """allauth's "set up an authenticator app" page. Setting one up means typing a valid
    code from it, so this session has passed the second factor, as if it had signed in
    with it (allauth records that only for sign-ins)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        totp = Authenticator.objects.filter(
            user=self.request.user, type=Authenticator.Type.TOTP
        ).first()
        if totp is not None:
            record_authentication(
                self.request, self.request.user, "mfa", id=totp.pk, type=totp.type
            )
        return response


enrol_totp = EnrolTOTPView.as_view()
