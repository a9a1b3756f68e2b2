from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from . import services
from .models import KIND_HELP, Kind, NotificationPreference


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Which reminder emails the signed-in person wants."""
    off = set(
        NotificationPreference.objects.filter(user=request.user, enabled=False).values_list(
            "kind", flat=True
        )
    )
    if request.method == "POST":
        chosen = set(request.POST.getlist("kinds"))
        for kind in Kind:
            services.preference_set(user=request.user, kind=kind, enabled=kind.value in chosen)
        messages.success(request, "Your email choices are saved.")
        return redirect("reminders:preferences")
    kinds = [
        {"value": k.value, "label": k.label, "help": KIND_HELP[k], "on": k.value not in off}
        for k in Kind
    ]
    return render(request, "reminders/preferences.html", {"kinds": kinds})


@csrf_exempt  # one-click unsubscribe (RFC 8058) posts without a session; the token is signed
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = services.unsubscribe_read(token)
    if found is None:
        return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=404)
    user_id, kind = found
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.preference_set(user=user, kind=kind, enabled=False)
        done = True
    return render(
        request,
        "reminders/unsubscribe.html",
        {"kind": Kind(kind), "done": done, "email": user.email},
    )
