"""Record sign-ins and failed sign-ins in the audit trail.

A login belongs to no organisation, so these rows have organisation=None.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    from organisations.services import activity_record

    activity_record(
        organisation=None, actor=user, action="user.login", target=user, request=request
    )


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    from organisations.services import activity_record

    activity_record(
        organisation=None, actor=user, action="user.logout", target=user, request=request
    )


@receiver(user_login_failed)
def record_login_failed(sender, credentials, request=None, **kwargs) -> None:
    from organisations.services import activity_record

    email = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    activity_record(
        organisation=None,
        actor=None,
        action="user.login_failed",
        target=None,
        changes={"email": str(email)[:254]},
        request=request,
    )
