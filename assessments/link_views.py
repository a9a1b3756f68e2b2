"""Views for the documents behind a response: link, unlink, upload-and-link, and the item
page's fragment. The link lives in assessments (DocumentLink); the URLs keep their
`evidence:` names and paths under /o/<org>/evidence/ (see dspt_portal/urls.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dspt_portal.deadlines import dspt_deadline
from evidence import services as evidence_services
from evidence.forms import QuickUploadForm
from evidence.models import Document
from evidence.uploads import streaming_size_limit
from organisations.access import require_role
from organisations.models import Role

from . import services
from .models import Assessment, Response
from .states import AssessmentLocked


def _document(request: HttpRequest, pk: int) -> Document:
    return get_object_or_404(
        Document.objects.filter(organisation=request.organisation).active(), pk=pk
    )


def _response(request: HttpRequest, pk: int) -> Response:
    return get_object_or_404(
        Response.objects.filter(organisation=request.organisation).select_related(
            "item", "assessment"
        ),
        pk=pk,
    )


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def current_assessment(organisation) -> Assessment | None:
    """This DSPT year's assessment, else the most recent one."""
    assessments = Assessment.objects.filter(organisation=organisation)
    return (
        assessments.filter(dspt_year=dspt_deadline().year).first()
        or assessments.order_by("-dspt_year").first()
    )


@require_POST
@require_role(Role.EDITOR)
def document_link(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Link this document to an item (response) of the current assessment."""
    document = _document(request, pk)
    response_pk = request.POST.get("response", "")
    if not (response_pk.isascii() and response_pk.isdigit()):
        messages.error(request, "Choose an item to link this document to.")
        return redirect("evidence:document", org, pk)
    response = _response(request, int(response_pk))
    try:
        services.document_link(
            document=document, response=response, by=request.user, request=request
        )
    except AssessmentLocked as locked:
        return locked_page(request, locked, back=f"{document_url(org, pk)}#items")
    messages.success(request, f"Linked to {response.item.ref}.")
    return redirect(_next_url(request, f"{document_url(org, pk)}#items"))


def locked_page(request: HttpRequest, locked: AssessmentLocked, *, back: str) -> HttpResponse:
    """A change to an assessment that is no longer a draft: say why, change nothing (409)."""
    context = {"message": " ".join(locked.messages), "back": _next_url(request, back)}
    return render(request, "assessments/locked.html", context, status=409)


def document_url(org: str, pk: int) -> str:
    return reverse("evidence:document", args=[org, pk])


# --- The item page fragment: documents behind one response --------------------------------


def _fragment(
    request: HttpRequest,
    response: Response,
    *,
    upload_form=None,
    link_error: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The fragment alone for HTMX; otherwise a small page around it (no-JS fallback)."""
    context = {
        "response": response,
        "evidence_upload_form": upload_form,
        "evidence_link_error": link_error,
        "evidence_error": error,
        "evidence_next": _next_url(request, ""),
    }
    template = (
        "evidence/_response_documents.html" if request.htmx else "evidence/response_documents.html"
    )
    return render(request, template, context, status=status)


def _after_change(request: HttpRequest, response: Response) -> HttpResponse:
    if request.htmx:
        return _fragment(request, response)
    return redirect(_next_url(request, response_documents_url(request, response)))


def response_documents_url(request: HttpRequest, response: Response) -> str:
    return reverse("evidence:response_documents", args=[request.organisation.slug, response.pk])


def response_documents(request: HttpRequest, org: str, response_pk: int) -> HttpResponse:
    return _fragment(request, _response(request, response_pk))


def _refused(request: HttpRequest, response: Response, locked: AssessmentLocked) -> HttpResponse:
    """The documents fragment (now without its forms) with the reason, as a 409: HTMX swaps
    it in (base.html's htmx config), and without JavaScript it is the fallback page."""
    return _fragment(request, response, error=" ".join(locked.messages), status=409)


@require_POST
@require_role(Role.EDITOR)
def response_link(request: HttpRequest, org: str, response_pk: int) -> HttpResponse:
    response = _response(request, response_pk)
    document_pk = request.POST.get("document", "")
    document = (
        Document.objects.filter(organisation=request.organisation, pk=int(document_pk))
        .active()
        .first()
        if document_pk.isascii() and document_pk.isdigit()
        else None
    )
    if document is None:
        return _fragment(request, response, link_error="Choose a document from the list.")
    try:
        services.document_link(
            document=document, response=response, by=request.user, request=request
        )
    except AssessmentLocked as locked:
        return _refused(request, response, locked)
    return _after_change(request, response)


@require_POST
@require_role(Role.EDITOR)
def response_unlink(
    request: HttpRequest, org: str, response_pk: int, document_pk: int
) -> HttpResponse:
    response = _response(request, response_pk)
    document = _document(request, document_pk)
    try:
        services.document_unlink(
            document=document, response=response, by=request.user, request=request
        )
    except AssessmentLocked as locked:
        return _refused(request, response, locked)
    if not request.htmx:
        messages.success(request, f"“{document.title}” is no longer linked to {response.item.ref}.")
    return _after_change(request, response)


@require_POST
@streaming_size_limit
@require_role(Role.EDITOR)
def response_upload(request: HttpRequest, org: str, response_pk: int) -> HttpResponse:
    """Upload a new document and link it to this response in one step."""
    response = _response(request, response_pk)
    if response.assessment.is_locked:  # before reading (and checking) the file
        return _refused(request, response, AssessmentLocked(response.assessment.locked_message()))
    form = QuickUploadForm(request.POST, request.FILES, request=request, prefix_id=str(response.pk))
    if not form.is_valid():
        return _fragment(request, response, upload_form=form)
    try:
        services.document_upload_and_link(
            response=response,
            data={"title": form.cleaned_data["title"], "kind": form.cleaned_data["kind"]},
            file=form.cleaned_data["file"],
            checked=form.checked,
            by=request.user,
            request=request,
        )
    except AssessmentLocked as locked:  # locked since the check above: nothing was stored
        return _refused(request, response, locked)
    except evidence_services.UploadFailed as error:
        form.add_error("file", error)
        return _fragment(request, response, upload_form=form)
    except ValidationError as error:
        form.add_error(None, error)
        return _fragment(request, response, upload_form=form)
    return _after_change(request, response)
