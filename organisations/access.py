"""The one place that decides who may see which organisation.

`OrganisationMiddleware` resolves `/o/<org>/...`: it loads the organisation and the
user's membership in one query, answers 404 for an unknown organisation and a
non-member alike, and runs the view inside `django_scopes.scope(organisation=...)`.
Pages without `org` run with no scope, so a tenant query there fails loudly.
`require_role` guards views that change data: members below the role get 403.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django_scopes import scope, scopes_disabled

from .models import Membership, Role


def membership_for(user, slug: str) -> Membership | None:
    """The user's membership of the organisation with this slug, org loaded in the same query."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("organisation", "organisation__parent")
        .filter(organisation__slug=slug, user=user, user__is_active=True)
        .first()
    )


class OrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.path.startswith("/admin/"):
            # Platform staff support tool: Django admin only admits staff.
            with scopes_disabled():
                response = view_func(request, *view_args, **view_kwargs)
                # Admin pages are TemplateResponses: render them (widgets and inlines query
                # tenant rows) while scopes are still off.
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                return response
        slug = view_kwargs.get("org")
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_for(request.user, slug)
        if membership is None:
            # The same answer for "no such organisation" and "not yours".
            raise Http404("No such organisation.")
        request.organisation = membership.organisation
        request.membership = membership
        if membership.organisation.is_closing:
            # Closing: read-only for everyone until the erasure (see organisations/closure.py).
            membership.read_only = True
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                raise PermissionDenied("This organisation is closing: nothing can be changed.")
        with scope(organisation=membership.organisation):
            response = view_func(request, *view_args, **view_kwargs)
            # Render lazily built responses while the scope is still active.
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            return response


def require_role(minimum: str) -> Callable:
    """Allow the view only for members whose role is at least `minimum` (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.membership.has_role(minimum):
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        wrapper.required_role = minimum
        return wrapper

    return decorator


def require_manage(view: Callable) -> Callable:
    """Members and settings: admins only (403 for everyone else)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.membership.can_manage:
            raise PermissionDenied("Only an admin of this organisation can do this.")
        return view(request, *args, **kwargs)

    wrapper.required_role = Role.ADMIN
    return wrapper


def require_invite(view: Callable) -> Callable:
    """Inviting people: admins and consultants."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.membership.can_invite:
            raise PermissionDenied("Only an admin or consultant can invite people.")
        return view(request, *args, **kwargs)

    wrapper.required_role = "invite"
    return wrapper
