from django import forms

from .models import ReportKind


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=ReportKind.choices)
    approval = forms.IntegerField(required=False, widget=forms.HiddenInput)
    include_comments = forms.BooleanField(required=False)


class ChecklistImportForm(forms.Form):
    file = forms.FileField(
        label="Filled-in checklist (.xlsx)",
        help_text="The spreadsheet exported from this page, with your answers. "
        "You will see every change before anything is saved.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class BadgeForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("enable", "Turn on"), ("disable", "Turn off"), ("revoke", "Revoke")]
    )
