"""Forms for the registers: validation and widgets only (the rules are in models.clean)."""

from django import forms
from django.db.models import Q

from evidence.models import Document

from . import services
from .models import (
    AssetKind,
    Breach,
    ClockState,
    ContinuityTest,
    HeldAs,
    InformationAsset,
    ITAsset,
    Risk,
    Scenario,
    SubjectAccessRequest,
    Supplier,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# Browsers send 2026-03-12T14:30; spreadsheets hold 2026-03-12 14:30 or 12/03/2026 14:30.
DATETIME_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d",
    "%d/%m/%Y",
]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]


def _search() -> forms.CharField:
    """A list page's free-text filter."""
    return forms.CharField(label="Search", required=False, max_length=100)


def _pick(label: str, choices: list) -> forms.ChoiceField:
    """A list page's filter: one of `choices`, the first being "no filter" (value "")."""
    return forms.ChoiceField(label=label, required=False, choices=choices)


class RegisterForm(forms.ModelForm):
    """Dates typed the British way or as the browser sends them. `organisation` is the home
    whose entry this is (a form that offers its other rows, such as documents, needs it)."""

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField):
                field.input_formats = DATETIME_FORMATS
                field.widget = DATETIME
            elif isinstance(field, forms.DateField):
                field.input_formats = DATE_FORMATS
                field.widget = DATE


class BreachForm(RegisterForm):
    class Meta:
        model = Breach
        fields = services.BREACH_FIELDS  # as audited (services.py)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 4}),
            "reporting_notes": forms.Textarea(attrs={"rows": 2}),
            "risk": forms.RadioSelect,
            "people_told": forms.RadioSelect,
        }


class BreachFilterForm(forms.Form):
    q = _search()
    risk = _pick("Risk", [("", "Any risk"), *Risk.choices])
    clock = _pick(
        "Reporting",
        [
            ("", "All"),
            ("open", "Not decided yet"),
            (ClockState.STOPPED, "Decided (reported or not reportable)"),
        ],
    )


class SarForm(RegisterForm):
    class Meta:
        model = SubjectAccessRequest
        fields = services.SAR_FIELDS  # as audited (services.py)
        widgets = {
            "extension_reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class SarFilterForm(forms.Form):
    q = _search()
    status = _pick(
        "Status",
        [
            ("", "All"),
            ("overdue", "Overdue"),
            ("due_soon", "Due within a week"),
            ("open", "Open"),
            ("done", "Answered on time"),
            ("late", "Answered late"),
        ],
    )


class ITAssetForm(RegisterForm):
    class Meta:
        model = ITAsset
        fields = services.ASSET_FIELDS  # as audited (services.py)
        widgets = {
            "risk_note": forms.Textarea(attrs={"rows": 3}),
            "mfa": forms.RadioSelect,
            "encrypted": forms.RadioSelect,
        }


class ITAssetFilterForm(forms.Form):
    q = _search()
    kind = _pick("Type", [("", "Any type"), *AssetKind.choices])
    show = _pick(
        "Show",
        [
            ("", "In use"),
            ("unsupported", "Unsupported"),
            ("mfa_off", "Multi-factor authentication off"),
            ("retired", "No longer used"),
        ],
    )


class AgreementDocumentField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} (archived)" if obj.archived_at else obj.title


class SupplierForm(RegisterForm):
    admin_agreement_document = AgreementDocumentField(
        label="The signed agreement in your evidence library",
        queryset=Document.objects.none(),
        required=False,
        empty_label="Not in the library yet",
        help_text=(
            "Upload the signed copy to the evidence library, then choose it here. In a "
            "spreadsheet: the document's title, as in the library (if two documents share "
            "that title, leave it empty and choose the document here)."
        ),
        error_messages={
            "invalid_choice": "Choose one of this home's documents in the evidence library."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["admin_agreement_document"]
        if self.organisation is None:
            return
        # This home's current documents, and the one already chosen even if archived since
        # (so saving an unrelated change never fails on it).
        current = Q(archived_at__isnull=True)
        if self.instance.admin_agreement_document_id:
            current |= Q(pk=self.instance.admin_agreement_document_id)
        field.queryset = Document.objects.filter(current, organisation=self.organisation)

    class Meta:
        model = Supplier
        fields = services.SUPPLIER_FIELDS  # as audited (services.py)
        widgets = {"contract_terms": forms.RadioSelect}


class SupplierFilterForm(forms.Form):
    q = _search()
    show = _pick(
        "Show",
        [
            ("", "In use"),
            ("admin", "With administrator access"),
            ("no_agreement", "Administrator access, no agreement (4.3.1)"),
            ("ended", "No longer used"),
        ],
    )


class InformationAssetForm(RegisterForm):
    class Meta:
        model = InformationAsset
        fields = services.INFO_ASSET_FIELDS  # as audited (services.py)
        widgets = {
            "personal_data": forms.Textarea(attrs={"rows": 2}),
            "shared_with": forms.Textarea(attrs={"rows": 2}),
        }


class InformationAssetFilterForm(forms.Form):
    q = _search()
    held_as = _pick("Held as", [("", "Any"), *HeldAs.choices])


class ContinuityTestForm(RegisterForm):
    class Meta:
        model = ContinuityTest
        fields = services.CONTINUITY_FIELDS  # as audited (services.py)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
        }


class ContinuityFilterForm(forms.Form):
    scenario = _pick("Scenario", [("", "Any scenario"), *Scenario.choices])


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        help_text="The first row must be the column headings, as in the export.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
