"""Template helpers for the links between responses and documents (they live in assessments).

- `response_documents_context response`: what `evidence/_response_documents.html` needs
  (the item page's documents fragment);
- `document_links_context document`: the answers a document supports, and the items of the
  current assessment it could be linked to (`assessments/_document_links.html`, on the
  evidence document page).
"""

from django import template
from django.urls import NoReverseMatch, reverse

from evidence.forms import QuickUploadForm
from evidence.models import Document

from ..link_views import current_assessment
from ..models import DocumentLink, Response

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
    request = context["request"]
    membership = getattr(request, "membership", None)
    org = response.organisation_id
    links = list(
        DocumentLink.objects.filter(organisation_id=org, response=response)
        .select_related("document")
        .prefetch_related(Document.current_version_prefetch("document__"))
        .order_by("document__title")
    )
    # A locked assessment offers no change it would refuse (assessments/states.py).
    can_edit = bool(membership and membership.can_edit) and not response.assessment.is_locked
    available = []
    if can_edit:
        linked_ids = [link.document_id for link in links]
        available = list(
            Document.objects.filter(organisation_id=org)
            .active()
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
        "error": context.get("evidence_error", ""),
        "next": context.get("evidence_next") or request.get_full_path(),
    }


@register.simple_tag(takes_context=True)
def document_links_context(context, document) -> dict:
    """The answers `document` supports, and what it could be linked to (editors only)."""
    request = context["request"]
    membership = getattr(request, "membership", None)
    links = (
        DocumentLink.objects.filter(document=document)
        .select_related("response__item", "response__assessment")
        .order_by("-response__assessment__dspt_year", "response__item__sort_key")
    )
    assessment = current_assessment(request.organisation)
    linkable = []
    if assessment and membership and membership.can_edit:
        linkable = (
            Response.objects.filter(assessment=assessment)
            .exclude(document_links__document=document)
            .select_related("item")
            .order_by("item__sort_key")
        )
    return {"links": links, "assessment": assessment, "linkable": linkable}
