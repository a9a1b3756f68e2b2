from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import services
from .access import require_invite, require_manage, require_role
from .activity import describe as describe_activity
from .activity import filter_choices as activity_filter_choices
from .closure import organisation_close
from .forms import (
    CloseOrganisationForm,
    InvitationForm,
    OrganisationCreateForm,
    OrganisationForm,
    RoleForm,
)
from .models import CLOSURE_GRACE_DAYS, ROLE_HELP, ActivityLog, Membership, Role


def _memberships(user):
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def landing(request: HttpRequest) -> HttpResponse:
    """After sign-in: a consultant's portfolio, the one organisation, a chooser for several;
    for none, the platform overview (staff) or the invitations waiting and onboarding."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    if Membership.objects.filter(user=request.user, role=Role.CONSULTANT).exists():
        return redirect("organisations:portfolio")
    memberships = list(_memberships(request.user)[:2])
    if len(memberships) == 1:
        return redirect("organisations:home", org=memberships[0].organisation.slug)
    if memberships:
        return redirect("organisations:chooser")
    if request.user.is_staff:
        return redirect("organisations:platform")
    invitations = services.invitations_waiting_for(request.user)
    return render(request, "organisations/welcome.html", {"invitations": invitations})


@login_required
def chooser(request: HttpRequest) -> HttpResponse:
    return render(
        request, "organisations/chooser.html", {"memberships": _memberships(request.user)}
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        organisation = services.organisation_create(
            data=data, by=request.user, role=form.cleaned_data["acting_as"], request=request
        )
        messages.success(request, f"{organisation.name} is set up. Next, invite your team.")
        if form.ods_warning:
            messages.warning(request, form.ods_warning)
        return redirect("organisations:members", org=organisation.slug)
    form.add_ods_warning_from_data()
    return render(request, "organisations/create.html", {"form": form})


@require_role(Role.CONSULTANT)
def organisation_settings(request: HttpRequest, org: str) -> HttpResponse:
    organisation = request.organisation
    form = OrganisationForm(
        request.POST or None,
        instance=organisation,
        user=request.user,
        can_manage=request.membership.can_manage,
    )
    before = services.snapshot(organisation, form.Meta.fields)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(
            organisation=form.save(commit=False), before=before, by=request.user, request=request
        )
        messages.success(request, "Organisation details saved.")
        if form.ods_warning:
            messages.warning(request, form.ods_warning)
        return redirect("organisations:settings", org=organisation.slug)
    if request.method == "POST":
        # Keep what was saved before; the form still shows what the user typed.
        organisation.refresh_from_db()
    form.add_ods_warning_from_data()
    if not form.is_bound:
        form.ods_warning = organisation.ods_code_warning
    return render(request, "organisations/settings.html", {"form": form})


def members(request: HttpRequest, org: str) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.can_invite:
            raise PermissionDenied("Only an admin or consultant can invite people.")
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    organisation=request.organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as e:
                form.add_error("email", e.message_dict.get("email", e.messages))
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("organisations:members", org=request.organisation.slug)
    return _members_page(request, form, status=400 if form.errors else 200)


def _members_page(request: HttpRequest, form: InvitationForm, status: int) -> HttpResponse:
    organisation = request.organisation
    context = {
        "form": form,
        "memberships": organisation.memberships.select_related("user").order_by(
            "user__full_name", "user__email"
        ),
        "invitations": organisation.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        ).select_related("invited_by"),
        "role_choices": Role.choices,
        "role_help": {r.value: ROLE_HELP[r] for r in Role},
    }
    return render(request, "organisations/members.html", context, status=status)


@require_POST
@require_manage
def member_role(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership = get_object_or_404(request.organisation.memberships.select_related("user"), pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role from the list.")
    else:
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                by=request.user,
                request=request,
            )
            messages.success(
                request, f"{membership.user} is now {membership.get_role_display().lower()}."
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    return redirect("organisations:members", org=request.organisation.slug)


@require_manage
def member_remove(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership = get_object_or_404(request.organisation.memberships.select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, by=request.user, request=request)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(
                request, f"{membership.user} no longer has access to {request.organisation.name}."
            )
            if membership.user_id == request.user.id:
                return redirect("organisations:landing")
        return redirect("organisations:members", org=request.organisation.slug)
    return render(request, "organisations/member_remove.html", {"target": membership})


@require_POST
@require_role(Role.CONSULTANT)
def invitation_revoke(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    invitation = get_object_or_404(request.organisation.invitations, pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user, request=request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return _members_page(request, InvitationForm(), status=403)
    messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("organisations:members", org=request.organisation.slug)


@require_POST
@require_role(Role.CONSULTANT)
def invitation_resend(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    old = get_object_or_404(request.organisation.invitations, pk=pk)
    try:
        invitation = services.invitation_create(
            organisation=request.organisation,
            email=old.email,
            role=old.role,
            by=request.user,
            request=request,
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return _members_page(request, InvitationForm(), status=403)
    messages.success(request, f"A new invitation was sent to {invitation.email}.")
    return redirect("organisations:members", org=request.organisation.slug)


@require_invite  # reading only: open while the organisation is closing too
def activity(request: HttpRequest, org: str) -> HttpResponse:
    """The organisation's own audit trail, newest first."""
    entries = ActivityLog.objects.filter(organisation=request.organisation).select_related("actor")
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    actions = (
        ActivityLog.objects.filter(organisation=request.organisation)
        .values_list("action", flat=True)
        .distinct()
        .order_by("action")
    )
    return render(
        request,
        "organisations/activity.html",
        {
            "page": page,
            "lines": [describe_activity(e) for e in page],
            "action": action,
            "choices": activity_filter_choices(actions),
        },
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return render(request, "organisations/invitation_invalid.html", status=404)
    if not invitation.is_pending:
        return render(
            request, "organisations/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    if not request.user.is_authenticated:
        # The link proves the address: a new account made with it needs no second check.
        from allauth.account.adapter import get_adapter

        get_adapter(request).stash_verified_email(request, invitation.email)
        here = reverse("organisations:invitation_accept", args=[token])
        return render(
            request,
            "organisations/invitation_accept.html",
            {"invitation": invitation, "next": here},
        )
    error = ""
    if request.method == "POST":
        try:
            membership = services.invitation_accept(
                invitation=invitation, user=request.user, request=request
            )
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, f"Welcome to {membership.organisation.name}.")
            return redirect("organisations:home", org=membership.organisation.slug)
    return render(
        request,
        "organisations/invitation_accept.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )


@require_manage
def organisation_close_view(request: HttpRequest, org: str) -> HttpResponse:
    """What closing means, then the confirmation; while closing, when the erasure happens."""
    organisation = request.organisation
    form = CloseOrganisationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        closure = organisation_close(organisation=organisation, by=request.user, request=request)
        messages.success(
            request,
            f"{organisation.name} is closing. Its data and files will be erased on "
            f"{closure.erase_on:%-d %B %Y}. Until then everyone can still read and download.",
        )
        return redirect("organisations:close", org=organisation.slug)
    return render(
        request,
        "organisations/close.html",
        {"form": form, "grace_days": CLOSURE_GRACE_DAYS},
    )
