"""Values every page needs: the current organisation, the deadline countdown."""

from django.http import HttpRequest

from dspt_portal.deadlines import days_until_deadline, dspt_deadline


def portal(request: HttpRequest) -> dict:
    return {
        "organisation": getattr(request, "organisation", None),
        "membership": getattr(request, "membership", None),
        "dspt_deadline": dspt_deadline(),
        "days_to_deadline": days_until_deadline(),
    }
