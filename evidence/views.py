"""Views for the evidence library: documents, versions and downloads.

Links between a response and its documents belong to assessments (assessments/link_views.py;
their URLs stay in the `evidence:` namespace, see dspt_portal/urls.py)."""

import datetime as dt

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from organisations.access import require_manage, require_role
from organisations.models import Role

from . import services
from .forms import DocumentForm, LibraryFilterForm, VersionUploadForm
from .models import ARCHIVE_RESTORE_DAYS, Document, DocumentVersion, ReviewStatus
from .uploads import download_name, streaming_size_limit


def _documents(request: HttpRequest):
    return (
        Document.objects.filter(organisation=request.organisation)
        .active()
        .select_related("owner")
        .prefetch_related(Document.current_version_prefetch())
        .annotate(link_count=Count("links", distinct=True))
    )


def _document(request: HttpRequest, pk: int) -> Document:
    """A document in the library (archived ones are only on the Archived page)."""
    return get_object_or_404(
        Document.objects.filter(organisation=request.organisation).active(), pk=pk
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
        "overdue": all_docs.active().with_review_status(ReviewStatus.OVERDUE).count(),
        "due_soon": all_docs.active().with_review_status(ReviewStatus.DUE_SOON).count(),
        "archived": all_docs.archived().count() if request.membership.can_manage else 0,
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
        try:
            document = services.document_create(
                organisation=request.organisation,
                data=data,
                by=request.user,
                file=form.cleaned_data.get("file"),
                checked=form.checked,
                request=request,
            )
        except services.UploadFailed as error:
            # The whole document is rolled back; what was typed stays in the form.
            form.add_error("file", error)
        else:
            messages.success(request, f"“{document.title}” is in your library.")
            return redirect("evidence:document", org, document.pk)
    return render(request, "evidence/document_form.html", {"form": form})


def document_detail(request: HttpRequest, org: str, pk: int, upload_form=None) -> HttpResponse:
    document = _document(request, pk)
    versions = document.versions.select_related("uploaded_by").order_by("-number")
    return render(
        request,
        "evidence/document_detail.html",
        {
            "document": document,
            "versions": versions,
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
    """Archive (the URL name predates archiving): out of the library, restorable by an admin."""
    document = _document(request, pk)
    # The answers it backs (DocumentLink lives in assessments: reached by the reverse accessor).
    links = document.links.select_related("response__item", "response__assessment")
    if request.method == "POST" and not links:
        document = services.document_archive(document=document, by=request.user, request=request)
        messages.success(
            request,
            f"“{document.title}” is archived. An admin can restore it, with every version, "
            f"until {timezone.localtime(document.purge_on):%-d %B %Y}.",
        )
        return redirect("evidence:library", org)
    return render(
        request,
        "evidence/document_delete.html",
        {
            "document": document,
            "links": links,
            "purge_on": timezone.now() + dt.timedelta(days=ARCHIVE_RESTORE_DAYS),
        },
        status=409 if request.method == "POST" else 200,
    )


@require_GET
@require_manage
def archived(request: HttpRequest, org: str) -> HttpResponse:
    """Archived documents, newest first, each with its restore deadline and a Restore button."""
    documents = (
        Document.objects.filter(organisation=request.organisation)
        .archived()
        .select_related("archived_by")
        .annotate(version_count=Count("versions"))
        .order_by("-archived_at")
    )
    return render(request, "evidence/archived.html", {"documents": list(documents)})


@require_POST
@require_manage
def document_restore(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.filter(organisation=request.organisation).archived(), pk=pk
    )
    services.document_restore(document=document, by=request.user, request=request)
    messages.success(request, f"“{document.title}” is back in your library.")
    return redirect("evidence:document", org, document.pk)


@require_POST
@streaming_size_limit
@require_role(Role.EDITOR)
def version_upload(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    document = _document(request, pk)
    form = VersionUploadForm(request.POST, request.FILES, request=request)
    if not form.is_valid():
        return document_detail(request, org, pk, upload_form=form)
    try:
        version = services.version_add(
            document=document,
            file=form.cleaned_data["file"],
            checked=form.checked,
            by=request.user,
            request=request,
        )
    except services.UploadFailed as error:
        form.add_error("file", error)
        return document_detail(request, org, pk, upload_form=form)
    messages.success(
        request, f"Version {version.number} uploaded. Earlier versions are kept below."
    )
    return redirect("evidence:document", org, document.pk)


def version_download(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    version = get_object_or_404(
        DocumentVersion.objects.filter(
            organisation=request.organisation, document__archived_at__isnull=True
        ),
        pk=pk,
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
