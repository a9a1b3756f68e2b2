from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import ROLE_HELP, Organisation, Role, normalise_ods_code, ods_code_warning

User = get_user_model()

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class OdsCodeMixin:
    """ODS code: normalised to upper case, unique; unusual shapes warn, never reject."""

    ods_warning = ""

    def clean_ods_code(self) -> str:
        code = normalise_ods_code(self.cleaned_data.get("ods_code", ""))
        self.ods_warning = ods_code_warning(code)
        clash = Organisation.objects.filter(ods_code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                f"{code} is already registered on DSPT Portal. If it is your organisation, "
                "ask its admin to invite you."
            )
        return code

    def add_ods_warning_from_data(self) -> None:
        if self.is_bound and "ods_code" in self.errors:
            # Refused: the error says what to fix. "You can still save it" would contradict it.
            self.ods_warning = ""
            return
        if self.is_bound and not self.ods_warning:
            self.ods_warning = ods_code_warning(normalise_ods_code(self.data.get("ods_code", "")))


class OrganisationCreateForm(OdsCodeMixin, forms.ModelForm):
    acting_as = forms.ChoiceField(
        label="Your part in this organisation",
        choices=[
            (Role.ADMIN, "I work here: make me its admin"),
            (Role.CONSULTANT, "I am a consultant setting it up for a client"),
        ],
        initial=Role.ADMIN,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Organisation
        fields = ["name", "ods_code", "service_type", "postcode"]
        help_texts = {"name": "As registered with CQC, e.g. Meadowbank House Care Home."}

    def __init__(self, *args, allow_consultant: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_consultant:
            del self.fields["acting_as"]


class OrganisationForm(OdsCodeMixin, forms.ModelForm):
    """The organisation's profile and key people, edited by its admin (or consultant)."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "ods_code",
            "parent",
            "service_type",
            "cqc_location_id",
            "address",
            "postcode",
            "staff_headcount",
            "registered_manager_name",
            "ig_lead",
            "has_dpo",
            "dpo_name",
            "senior_accountable_person",
            "senior_accountable_title",
            "caldicott_guardian_name",
            "cyber_essentials_plus_expires_on",
            "require_mfa",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "cyber_essentials_plus_expires_on": _DATE,
        }

    # Who approves, who leads, and which head office sees this site: admins decide these,
    # never an outside consultant (who could otherwise approve their own work).
    ADMIN_ONLY = ("ig_lead", "senior_accountable_person", "parent", "require_mfa")

    def __init__(self, *args, user=None, can_manage: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        org = self.instance
        members = User.objects.filter(memberships__organisation=org).order_by("full_name", "email")
        self.fields["ig_lead"].queryset = members
        self.fields["senior_accountable_person"].queryset = members
        for name in ("ig_lead", "senior_accountable_person"):
            self.fields[name].empty_label = "Not yet chosen"
            self.fields[name].help_text = (
                self.fields[name].help_text
                or "Choose from your members; invite them first if needed."
            )
        # A head office is another organisation the editor is an admin of.
        parents = Organisation.objects.exclude(pk=org.pk).filter(parent__isnull=True)
        if user is not None:
            parents = parents.filter(memberships__user=user, memberships__role=Role.ADMIN)
            # The current head office stays a valid choice (e.g. for a consultant, who sees
            # the field but cannot change it).
            parents = Organisation.objects.filter(
                Q(pk__in=parents.values("pk")) | Q(pk=org.parent_id)
            ).distinct()
        self.fields["parent"].queryset = parents
        self.fields[
            "parent"
        ].empty_label = "None: this organisation is independent or is the head office"
        self.fields["staff_headcount"].widget.attrs.update({"min": 0, "max": 100000})
        if not can_manage:
            for name in self.ADMIN_ONLY:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Only an admin of this organisation can change this."

    def clean_staff_headcount(self):
        value = self.cleaned_data.get("staff_headcount")
        if value is not None and value > 100000:
            raise forms.ValidationError("Enter the number of people, up to 100,000.")
        return value

    def clean_cqc_location_id(self) -> str:
        return self.cleaned_data.get("cqc_location_id", "").strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_dpo") and not cleaned.get("dpo_name"):
            self.add_error("dpo_name", "Enter the name of your Data Protection Officer.")
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        choices=[
            (r.value, f"{r.label}: {ROLE_HELP[r]}")
            for r in (Role.EDITOR, Role.VIEWER, Role.ADMIN, Role.CONSULTANT)
        ],
        initial=Role.EDITOR,
        widget=forms.RadioSelect,
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label="Role")


class CloseOrganisationForm(forms.Form):
    """Closing is final after the grace period: the admin types the ODS code to confirm."""

    ods_code = forms.CharField(label="Type your ODS code to confirm", max_length=20)
    understood = forms.BooleanField(
        label="I understand that after the grace period everything is erased and cannot be "
        "brought back.",
        error_messages={"required": "Tick the box to confirm you understand."},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["ods_code"].help_text = f"Your ODS code is {organisation.ods_code}."

    def clean_ods_code(self) -> str:
        code = normalise_ods_code(self.cleaned_data["ods_code"])
        if code != self.organisation.ods_code:
            raise forms.ValidationError(
                f"That is not this organisation's ODS code. Type {self.organisation.ods_code}."
            )
        return code
