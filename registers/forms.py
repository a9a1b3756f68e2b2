"""Forms for the registers: validation and widgets only (the rules are in models.clean)."""

from django import forms

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


class RegisterForm(forms.ModelForm):
    """Dates typed the British way or as the browser sends them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
        fields = [
            "title",
            "description",
            "discovered_at",
            "people_affected",
            "risk",
            "actions",
            "signed_off_by",
            "signed_off_on",
            "reporting",
            "reported_at",
            "reporting_notes",
            "people_told",
            "people_told_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 4}),
            "reporting_notes": forms.Textarea(attrs={"rows": 2}),
            "risk": forms.RadioSelect,
            "people_told": forms.RadioSelect,
        }


class BreachFilterForm(forms.Form):
    risk = forms.ChoiceField(
        label="Risk", required=False, choices=[("", "Any risk"), *Risk.choices]
    )
    clock = forms.ChoiceField(
        label="Reporting",
        required=False,
        choices=[
            ("", "All"),
            ("open", "Not decided yet"),
            (ClockState.STOPPED, "Decided (reported or not reportable)"),
        ],
    )
    q = forms.CharField(label="Search", required=False, max_length=100)


class SarForm(RegisterForm):
    class Meta:
        model = SubjectAccessRequest
        fields = [
            "requester",
            "received_on",
            "identity_checked_on",
            "extension_reason",
            "completed_on",
            "notes",
        ]
        widgets = {
            "extension_reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class SarFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "All"),
            ("overdue", "Overdue"),
            ("due_soon", "Due within a week"),
            ("open", "Open"),
            ("done", "Answered on time"),
            ("late", "Answered late"),
        ],
    )
    q = forms.CharField(label="Search", required=False, max_length=100)


class ITAssetForm(RegisterForm):
    class Meta:
        model = ITAsset
        fields = [
            "name",
            "kind",
            "supplier",
            "supported_until",
            "mfa",
            "encrypted",
            "backups_tested_on",
            "risk_note",
            "checked_on",
            "retired_on",
        ]
        widgets = {
            "risk_note": forms.Textarea(attrs={"rows": 3}),
            "mfa": forms.RadioSelect,
            "encrypted": forms.RadioSelect,
        }


class ITAssetFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *AssetKind.choices]
    )
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "In use"),
            ("unsupported", "Unsupported"),
            ("mfa_off", "Multi-factor authentication off"),
            ("retired", "No longer used"),
        ],
    )
    q = forms.CharField(label="Search", required=False, max_length=100)


class SupplierForm(RegisterForm):
    class Meta:
        model = Supplier
        fields = [
            "name",
            "service",
            "contact",
            "handles_personal_data",
            "contract_terms",
            "certification",
            "admin_access",
            "admin_agreement_signed_on",
            "checked_on",
            "ended_on",
        ]
        widgets = {"contract_terms": forms.RadioSelect}


class SupplierFilterForm(forms.Form):
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "In use"),
            ("admin", "With administrator access"),
            ("no_agreement", "Administrator access, no agreement (4.3.1)"),
            ("ended", "No longer used"),
        ],
    )
    q = forms.CharField(label="Search", required=False, max_length=100)


class InformationAssetForm(RegisterForm):
    class Meta:
        model = InformationAsset
        fields = [
            "name",
            "owner",
            "personal_data",
            "lawful_basis",
            "held_as",
            "where",
            "retention",
            "shared_with",
            "reviewed_on",
        ]
        widgets = {
            "personal_data": forms.Textarea(attrs={"rows": 2}),
            "shared_with": forms.Textarea(attrs={"rows": 2}),
        }


class InformationAssetFilterForm(forms.Form):
    held_as = forms.ChoiceField(
        label="Held as", required=False, choices=[("", "Any"), *HeldAs.choices]
    )
    q = forms.CharField(label="Search", required=False, max_length=100)


class ContinuityTestForm(RegisterForm):
    class Meta:
        model = ContinuityTest
        fields = ["tested_on", "scenario", "description", "outcome", "lessons"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
        }


class ContinuityFilterForm(forms.Form):
    scenario = forms.ChoiceField(
        label="Scenario", required=False, choices=[("", "Any scenario"), *Scenario.choices]
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        help_text="The first row must be the column headings, as in the export.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
