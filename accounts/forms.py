from django import forms


class SignupExtraForm(forms.Form):
    """Extra signup fields: allauth calls `signup()` once the user exists."""

    full_name = forms.CharField(
        max_length=150,
        label="Your full name",
        help_text="As colleagues know you, e.g. Priya Shah.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    job_title = forms.CharField(
        max_length=150,
        required=False,
        label="Job title (optional)",
        help_text="For example Registered Manager or Office Manager.",
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Enter your full name.")
        return name

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.job_title = self.cleaned_data.get("job_title", "").strip()
        user.save(update_fields=["full_name", "job_title"])
