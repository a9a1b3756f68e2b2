"""Forms for documents, uploads, the training register and its CSV import."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

from accounts.models import User

from .models import Document, DocumentKind, ReviewStatus, StaffMember, TrainingRecord
from .training_import import MAX_BYTES as TRAINING_IMPORT_MAX_BYTES
from .uploads import (
    ACCEPTED_DESCRIPTION,
    UploadRefused,
    check_upload,
    max_upload_bytes,
    too_large_message,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _members(organisation):
    return User.objects.filter(memberships__organisation=organisation).order_by(
        "full_name", "email"
    )


class UploadFieldMixin:
    """A `file` field checked by evidence.uploads; a file dropped mid-stream for being too
    large comes back as a clear message on the field, not as 'this field is required'."""

    file_required = True

    def setup_upload(self, request: HttpRequest | None) -> None:
        self.checked = None
        self.oversized = "file" in getattr(request, "oversized_uploads", ())
        field = self.fields["file"]
        field.required = self.file_required and not self.oversized
        field.error_messages = {
            **field.error_messages,
            "empty": "This file is empty. Check you chose the right file and try again.",
            "required": (
                "Choose a file to upload. If you did, its name could not be read: rename the "
                "file using ordinary letters and numbers, then try again."
            ),
        }
        field.help_text = f"{ACCEPTED_DESCRIPTION}, up to {filesizeformat(max_upload_bytes())}."
        field.widget.attrs["accept"] = ".pdf,.docx,.xlsx,.odt,.ods,.csv,.txt,.png,.jpg,.jpeg"

    def clean_file(self):
        if self.oversized:
            raise ValidationError(too_large_message())
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                self.checked = check_upload(upload)
            except UploadRefused as refusal:
                raise ValidationError(refusal.message) from refusal
        return upload


class DocumentForm(UploadFieldMixin, forms.ModelForm):
    file = forms.FileField(label="File (optional)", required=False)
    file_required = False

    class Meta:
        model = Document
        fields = [
            "title",
            "kind",
            "owner",
            "effective_on",
            "last_reviewed_on",
            "next_review_due",
            "location",
            "notes",
        ]
        widgets = {
            "effective_on": DATE,
            "last_reviewed_on": DATE,
            "next_review_due": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"next_review_due": "Next review due"}
        help_texts = {
            "next_review_due": (
                "Leave empty to use a year after the last review (three years for policies)."
            ),
            "owner": "Who keeps this document up to date.",
        }

    def __init__(self, *args, organisation, request=None, with_file=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organisation)
        self.fields["owner"].empty_label = "Nobody yet"
        if with_file:
            self.setup_upload(request)
        else:
            del self.fields["file"]

    def clean(self):
        data = super().clean()
        reviewed, due = data.get("last_reviewed_on"), data.get("next_review_due")
        if reviewed and due and due < reviewed:
            self.add_error("next_review_due", "The next review cannot be before the last review.")
        return data


class VersionUploadForm(UploadFieldMixin, forms.Form):
    file = forms.FileField(label="New version")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_upload(request)


class QuickUploadForm(UploadFieldMixin, forms.Form):
    """Upload a new document straight from an item page, and link it there."""

    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=DocumentKind.choices, initial=DocumentKind.POLICY)
    file = forms.FileField()

    def __init__(self, *args, request=None, prefix_id="", **kwargs):
        kwargs.setdefault("auto_id", f"upload-{prefix_id}-%s" if prefix_id else "id_%s")
        super().__init__(*args, **kwargs)
        self.setup_upload(request)


YES_NO = [("", "Linked or not"), ("yes", "Linked to an answer"), ("no", "Not linked")]


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Title contains", required=False)
    kind = forms.ChoiceField(choices=[("", "All kinds"), *DocumentKind.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "Any review status"), *ReviewStatus.choices], required=False
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Any owner"
    )
    linked = forms.ChoiceField(choices=YES_NO, required=False, label="Linked")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organisation)


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = [
            "name",
            "job_title",
            "started_on",
            "left_on",
            "is_director",
            "is_volunteer",
            "is_agency",
            "has_data_access",
        ]
        widgets = {"started_on": DATE, "left_on": DATE}

    def clean(self):
        data = super().clean()
        if data.get("started_on") and data.get("left_on") and data["left_on"] < data["started_on"]:
            self.add_error("left_on", "The leaving date cannot be before the start date.")
        return data


class TrainingRecordForm(forms.ModelForm):
    # Declared here: a scoped queryset cannot be evaluated when the class is built.
    evidence = forms.ModelChoiceField(
        queryset=Document.objects.none(),
        required=False,
        label="Certificate or record (optional)",
        help_text="The certificate or attendance sheet, if it is in your evidence library.",
    )

    class Meta:
        model = TrainingRecord
        fields = ["course", "completed_on", "evidence"]
        widgets = {"completed_on": DATE}
        labels = {"completed_on": "Completed on", "evidence": "Certificate or record (optional)"}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = Document.objects.filter(
            organisation=organisation
        ).active()
        self.fields["evidence"].empty_label = "None"

    def clean_completed_on(self):
        from django.utils import timezone

        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise ValidationError("The completion date cannot be in the future.")
        return day


class TrainingImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet file",
        help_text="An Excel workbook (.xlsx, the first sheet is read) or a CSV file (UTF-8 is "
        "best). Up to 2,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The streaming limit dropped the file part-way: say so, not "choose a file".
        self.too_large = too_large
        self.fields["file"].required = not too_large

    def clean_file(self):
        if self.too_large:
            raise ValidationError(
                f"This file is larger than {filesizeformat(TRAINING_IMPORT_MAX_BYTES)}. A "
                "register of 2,000 people fits in far less: check you chose the right file."
            )
        return self.cleaned_data.get("file")


class SummaryDateForm(forms.Form):
    on = forms.DateField(label="Work out the figure on", widget=DATE, required=False)
