"""Views for the evidence library: documents, versions, downloads and links to responses."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from assessments.models import Assessment, Response
from dspt_portal.deadlines import dspt_deadline
from organisations.access import require_role
from organisations.models import Role

from . import services
from .forms import DocumentForm, LibraryFilterForm, QuickUploadForm, VersionUploadForm
from .models import Document, DocumentLink, DocumentVersion, ReviewStatus
from .uploads import download_name, streaming_size_limit


def _documents(request: HttpRequest):
    return (
        Document.objects.filter(organisation=request.organisation)
        .select_related("owner")
        .prefetch_related(Document.current_version_prefetch())
        .annotate(link_count=Count("links", distinct=True))
    )


def _document(request: HttpRequest, pk: int) -> Document:
    return get_object_or_404(Document.objects.filter(organisation=request.organisation), pk=pk)


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


def library(request: HttpRequest, org: str) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None, organisation=request.organisation)
    documents = _documents(request)
    if form.is_valid():
        f = form.cleaned_data
        if f["q"]:
            documents = documents.filter(title__icontains=f["q"])
        if f["kind"]:
            documents = documents.filter(kind=f["kind"])
        if f["status"]:
            documents = documents.with_review_status(f["status"])
        if f["owner"]:
            documents = documents.filter(owner=f["owner"])
        if f["linked"]:
            documents = documents.linked(f["linked"] == "yes")
    documents = list(documents)
    all_docs = Document.objects.filter(organisation=request.organisation)
    counts = {
        "overdue": all_docs.with_review_status(ReviewStatus.OVERDUE).count(),
        "due_soon": all_docs.with_review_status(ReviewStatus.DUE_SOON).count(),
    }
    filtered = bool(request.GET) and form.is_valid() and any(form.cleaned_data.values())
    return render(
        request,
        "evidence/library.html",
        {
            "form": form,
            "documents": documents,
            "counts": counts,
            "filtered": filtered,
        },
    )


def due_for_review(request: HttpRequest, org: str) -> HttpResponse:
    documents = _documents(request)
    return render(
        request,
        "evidence/due.html",
        {
            "due": list(documents.due_for_review()),
            "undated": list(documents.with_review_status(ReviewStatus.NO_DATE)),
        },
    )


@streaming_size_limit
@require_role(Role.EDITOR)
def document_create(request: HttpRequest, org: str) -> HttpResponse:
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        organisation=request.organisation,
        request=request,
        with_file=True,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.DOCUMENT_FIELDS}
        document = services.document_create(
            organisation=request.organisation,
            data=data,
            by=request.user,
            file=form.cleaned_data.get("file"),
            checked=form.checked,
            request=request,
        )
        messages.success(request, f"“{document.title}” is in your library.")
        return redirect("evidence:document", org, document.pk)
    return render(request, "evidence/document_form.html", {"form": form})


def document_detail(request: HttpRequest, org: str, pk: int, upload_form=None) -> HttpResponse:
    document = _document(request, pk)
    versions = document.versions.select_related("uploaded_by").order_by("-number")
    links = (
        DocumentLink.objects.filter(document=document)
        .select_related("response__item", "response__assessment")
        .order_by("-response__assessment__dspt_year", "response__item__sort_key")
    )
    assessment = current_assessment(request.organisation)
    linkable = []
    if assessment and request.membership.can_edit:
        linkable = (
            Response.objects.filter(assessment=assessment)
            .exclude(document_links__document=document)
            .select_related("item")
            .order_by("item__sort_key")
        )
    return render(
        request,
        "evidence/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "links": links,
            "assessment": assessment,
            "linkable": linkable,
            "upload_form": upload_form or VersionUploadForm(),
        },
        status=200,
    )


@require_role(Role.EDITOR)
def document_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    document = _document(request, pk)
    before = services.document_snapshot(document)
    form = DocumentForm(request.POST or None, instance=document, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        services.document_update(
            document=form.save(commit=False), before=before, by=request.user, request=request
        )
        messages.success(request, "Your changes are saved.")
        return redirect("evidence:document", org, document.pk)
    return render(request, "evidence/document_form.html", {"form": form, "document": document})


@require_role(Role.EDITOR)
def document_delete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    document = _document(request, pk)
    links = DocumentLink.objects.filter(document=document).select_related(
        "response__item", "response__assessment"
    )
    if request.method == "POST" and not links:
        services.document_delete(document=document, by=request.user, request=request)
        messages.success(request, f"“{document.title}” and its files were deleted.")
        return redirect("evidence:library", org)
    return render(
        request,
        "evidence/document_delete.html",
        {"document": document, "links": links},
        status=409 if request.method == "POST" else 200,
    )


@require_POST
@streaming_size_limit
@require_role(Role.EDITOR)
def version_upload(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    document = _document(request, pk)
    form = VersionUploadForm(request.POST, request.FILES, request=request)
    if not form.is_valid():
        return document_detail(request, org, pk, upload_form=form)
    version = services.version_add(
        document=document,
        file=form.cleaned_data["file"],
        checked=form.checked,
        by=request.user,
        request=request,
    )
    messages.success(
        request, f"Version {version.number} uploaded. Earlier versions are kept below."
    )
    return redirect("evidence:document", org, document.pk)


def version_download(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    version = get_object_or_404(
        DocumentVersion.objects.filter(organisation=request.organisation), pk=pk
    )
    filename = download_name(version.original_name, version.content_type)
    storage = services.version_storage()
    if hasattr(storage, "bucket_name"):  # S3: a short-lived signed URL that downloads, not displays
        url = storage.url(
            version.file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, filename),
                "ResponseContentType": version.content_type,
            },
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            storage.open(version.file.name, "rb"),
            as_attachment=True,
            filename=filename,
            content_type=version.content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


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
    services.document_link(document=document, response=response, by=request.user, request=request)
    messages.success(request, f"Linked to {response.item.ref}.")
    return redirect(_next_url(request, f"{document_url(org, pk)}#items"))


def document_url(org: str, pk: int) -> str:
    from django.urls import reverse

    return reverse("evidence:document", args=[org, pk])


# --- The item page fragment: documents behind one response --------------------------------


def _fragment(
    request: HttpRequest,
    response: Response,
    *,
    upload_form=None,
    link_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The fragment alone for HTMX; otherwise a small page around it (no-JS fallback)."""
    context = {
        "response": response,
        "evidence_upload_form": upload_form,
        "evidence_link_error": link_error,
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
    from django.urls import reverse

    return reverse("evidence:response_documents", args=[request.organisation.slug, response.pk])


def response_documents(request: HttpRequest, org: str, response_pk: int) -> HttpResponse:
    return _fragment(request, _response(request, response_pk))


@require_POST
@require_role(Role.EDITOR)
def response_link(request: HttpRequest, org: str, response_pk: int) -> HttpResponse:
    response = _response(request, response_pk)
    document_pk = request.POST.get("document", "")
    document = (
        Document.objects.filter(organisation=request.organisation, pk=int(document_pk)).first()
        if document_pk.isascii() and document_pk.isdigit()
        else None
    )
    if document is None:
        return _fragment(request, response, link_error="Choose a document from the list.")
    services.document_link(document=document, response=response, by=request.user, request=request)
    return _after_change(request, response)


@require_POST
@require_role(Role.EDITOR)
def response_unlink(
    request: HttpRequest, org: str, response_pk: int, document_pk: int
) -> HttpResponse:
    response = _response(request, response_pk)
    document = _document(request, document_pk)
    services.document_unlink(document=document, response=response, by=request.user, request=request)
    if not request.htmx:
        messages.success(request, f"“{document.title}” is no longer linked to {response.item.ref}.")
    return _after_change(request, response)


@require_POST
@streaming_size_limit
@require_role(Role.EDITOR)
def response_upload(request: HttpRequest, org: str, response_pk: int) -> HttpResponse:
    """Upload a new document and link it to this response in one step."""
    response = _response(request, response_pk)
    form = QuickUploadForm(request.POST, request.FILES, request=request, prefix_id=str(response.pk))
    if not form.is_valid():
        return _fragment(request, response, upload_form=form)
    try:
        document = services.document_create(
            organisation=request.organisation,
            by=request.user,
            request=request,
            data={"title": form.cleaned_data["title"], "kind": form.cleaned_data["kind"]},
            file=form.cleaned_data["file"],
            checked=form.checked,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _fragment(request, response, upload_form=form)
    services.document_link(document=document, response=response, by=request.user, request=request)
    return _after_change(request, response)
