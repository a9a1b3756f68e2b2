"""Template helpers for the evidence library, usable from other apps' templates."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


def _url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def response_documents_context(context, response) -> dict:
    """What `evidence/_response_documents.html` needs for one response.

    Works from any page that has `response` and `request` (with `request.membership`),
    so the assessments item page can include the fragment without extra view code.
    """
    from evidence.forms import QuickUploadForm
    from evidence.models import Document, DocumentLink

    request = context["request"]
    membership = getattr(request, "membership", None)
    org = response.organisation_id
    links = list(
        DocumentLink.objects.filter(organisation_id=org, response=response)
        .select_related("document")
        .prefetch_related(Document.current_version_prefetch("document__"))
        .order_by("document__title")
    )
    can_edit = bool(membership and membership.can_edit)
    available = []
    if can_edit:
        linked_ids = [link.document_id for link in links]
        available = list(
            Document.objects.filter(organisation_id=org)
            .exclude(pk__in=linked_ids)
            .order_by("title")
        )
    slug = request.organisation.slug if hasattr(request, "organisation") else ""
    return {
        "links": links,
        "available": available,
        "can_edit": can_edit,
        "fragment_url": _url("evidence:response_documents", org=slug, response_pk=response.pk),
        "link_url": _url("evidence:response_link", org=slug, response_pk=response.pk),
        "upload_url": _url("evidence:response_upload", org=slug, response_pk=response.pk),
        "upload_form": context.get("evidence_upload_form")
        or (QuickUploadForm(request=request, prefix_id=str(response.pk)) if can_edit else None),
        "link_error": context.get("evidence_link_error", ""),
        "next": context.get("evidence_next") or request.get_full_path(),
    }


@register.filter
def review_tag(document) -> str:
    """The CSS modifier for a document's review status tag."""
    return {"current": "ok", "due_soon": "warn", "overdue": "bad"}.get(
        document.review_status(), "neutral"
    )
