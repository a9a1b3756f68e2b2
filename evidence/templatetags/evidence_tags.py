"""Template helpers for the evidence library, usable from other apps' templates.

The documents behind a response are assessments' (assessments/templatetags/link_tags.py)."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


def _url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.filter
def review_tag(document) -> str:
    """The CSS modifier for a document's review status tag."""
    return {"current": "ok", "due_soon": "warn", "overdue": "bad"}.get(
        document.review_status(), "neutral"
    )
