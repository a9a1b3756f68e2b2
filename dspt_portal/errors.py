"""Error pages in the portal's own layout, with a next step for the user."""

from django.shortcuts import render


def permission_denied(request, exception=None):
    organisation = getattr(request, "organisation", None)
    if organisation is not None and organisation.is_closing:
        # Not "your role does not allow this": nobody may change a closing organisation.
        return render(request, "organisations/closing_blocked.html", status=403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that might fail again: a plain template.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
