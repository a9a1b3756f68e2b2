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

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The streaming limit dropped the file part-way: say so, not "choose a file".
        self.too_large = too_large
        self.fields["file"].required = not too_large

    def clean_file(self):
        if self.too_large:
            raise forms.ValidationError(
                "This file is larger than 2 MB. Export the checklist again and use that."
            )
        return self.cleaned_data.get("file")


class BadgeForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("enable", "Turn on"), ("disable", "Turn off"), ("revoke", "Revoke")]
    )
