"""Forms for answering an evidence item, commenting, approving and recording publication."""

from django import forms
from django.utils import timezone

from .models import AnswerType, PublishedOutcome, Response, ResponseStatus

YES_NO = [("", "Not answered yet"), ("yes", "Yes"), ("no", "No")]
STAR_HELP = (
    "Optional, but it makes the evidence hold up. Cover: Situation (what you have), "
    "Task (what the item asks), Action (what you did, with dates), Result (what it shows "
    "and where the evidence is)."
)


class ResponseForm(forms.Form):
    """The answer fields shown depend on the item's answer type (and its app hint).

    `members` (users of the organisation) are passed in, so rendering many forms on the
    checklist does not query once per form.
    """

    answer_confirmed = forms.TypedChoiceField(
        label="Can you confirm this?",
        choices=YES_NO,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    answer_text = forms.CharField(
        label="Your answer",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer_number = forms.DecimalField(
        label="Number", required=False, max_digits=12, decimal_places=2, min_value=0
    )
    answer_date = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    narrative = forms.CharField(
        label="How you meet this",
        required=False,
        max_length=10000,
        help_text=STAR_HELP,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    not_applicable = forms.BooleanField(
        label="This does not apply to us",
        required=False,
        help_text="Saving it clears the answer above; the answer stays in the history.",
    )
    na_reason = forms.CharField(
        label="Why it does not apply",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = forms.ChoiceField(label="Owner", required=False)
    status = forms.ChoiceField(
        label="Progress",
        choices=ResponseStatus.choices,
        help_text="For your team's tracking. Only the answer counts toward the outcome.",
    )
    # The version of the answer this form was made from (see Response.version).
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, response: Response, members: list, **kwargs):
        self.response = response
        self.item = response.item
        self.members = {str(u.pk): u for u in members}
        kwargs.setdefault("prefix", f"r{response.pk}")
        kwargs.setdefault("initial", self._initial(response))
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Nobody yet")] + [
            (pk, u.full_name or u.email) for pk, u in self.members.items()
        ]
        self._shape_for_item()

    @staticmethod
    def _initial(r: Response) -> dict:
        return {
            "answer_confirmed": {True: "yes", False: "no"}.get(r.answer_confirmed, ""),
            "answer_text": r.answer_text,
            "answer_number": r.answer_number,
            "answer_date": r.answer_date,
            "narrative": r.narrative,
            "not_applicable": r.not_applicable,
            "na_reason": r.na_reason,
            "owner": str(r.owner_id or ""),
            "status": r.status,
            "version": r.version,
        }

    def _shape_for_item(self) -> None:
        kind, hint, f = self.item.answer_type, self.item.app_hint, self.fields
        keep = {"narrative", "owner", "status", "version"}
        if kind == AnswerType.CONFIRMATION:
            keep.add("answer_confirmed")
        elif kind == AnswerType.TEXT:
            keep.add("answer_text")
        elif kind == AnswerType.DOCUMENT:
            keep.add("answer_text")
            f["answer_text"].label = "Where the document is held (if you do not link it)"
            f["answer_text"].help_text = (
                "Title, version or review date, and location, e.g. 'Shared drive > Policies > "
                "Data Protection Policy v4 (reviewed March 2026)'."
            )
            f["answer_text"].widget = forms.TextInput()
        elif kind == AnswerType.NUMBER:
            keep.add("answer_number")
        elif kind == AnswerType.DATE:
            keep.add("answer_date")
        if hint == "date":
            keep.add("answer_date")
            f["answer_date"].label = "When was it last done or reviewed?"
        elif hint == "percentage":
            keep.add("answer_number")
            f["answer_number"].label = "Percentage trained"
            f["answer_number"].max_value = 100
            f["answer_number"].help_text = "From your training log: the toolkit needs at least 95%."
        if self.item.na_allowed:
            keep |= {"not_applicable", "na_reason"}
        for name in list(f):
            if name not in keep:
                del f[name]

    def with_conflict(self, current: Response, changed_by: str, base=None) -> "ResponseForm":
        """The typed answer, now made from `current` (saved meanwhile by someone else).

        `base` is the answer the form was made from (a history record). Fields this person
        left alone take the other person's saved value; fields both changed are shown side
        by side to merge by hand. Without `base`, every difference is shown.
        """
        theirs = self._initial(current)
        start = self._initial(base) if base is not None else None
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        rows, taken = [], []
        for name, field in self.fields.items():
            if name == "version":
                continue
            mine = self[name].value()
            if str(theirs[name] or "") == str(mine or ""):
                continue
            if start is not None and str(start[name] or "") == str(theirs[name] or ""):
                continue  # only this person changed it: keep what they typed
            if start is not None and str(start[name] or "") == str(mine or ""):
                _put(data, self.add_prefix(name), field, theirs[name])  # only they changed it
                taken.append(field.label)
                continue
            rows.append(
                {
                    "label": field.label,
                    "theirs": _shown(field, theirs[name]),
                    "yours": _shown(field, mine),
                }
            )
        form = ResponseForm(data, response=self.response, members=list(self.members.values()))
        form.is_valid()
        form.conflict = {"by": changed_by, "at": current.updated_at, "rows": rows, "taken": taken}
        form.add_error(
            None,
            f"Not saved: {changed_by} saved this answer after you opened it. "
            + (
                "Where you both changed something, their version and yours are shown below. "
                "What you typed is still in the form: copy in what you need from theirs, "
                "then save again."
                if rows
                else "Their changes are now in the form with yours. Check it, then save again."
            ),
        )
        return form

    def clean_owner(self):
        value = self.cleaned_data.get("owner")
        return self.members.get(value) if value else None

    def clean_answer_number(self):
        value = self.cleaned_data.get("answer_number")
        if value is not None and self.item.app_hint == "percentage" and value > 100:
            raise forms.ValidationError("A percentage is between 0 and 100.")
        return value

    def clean_answer_date(self):
        value = self.cleaned_data.get("answer_date")
        if value and self.item.app_hint == "date" and value > timezone.localdate():
            raise forms.ValidationError(
                "This is when it was last done, so it cannot be in the future."
            )
        return value

    def clean(self):
        data = super().clean()
        if data.get("not_applicable") and not (data.get("na_reason") or "").strip():
            self.add_error(
                "na_reason", "Say why this does not apply (the toolkit expects a reason)."
            )
        return data


def _put(data, key: str, field: forms.Field, value) -> None:
    """Set a bound form's raw value as the browser would send it."""
    if isinstance(field, forms.BooleanField):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    else:
        data[key] = "" if value is None else str(value)


def _shown(field: forms.Field, value) -> str:
    """A form value as a person reads it (choice labels, Yes/No for ticks)."""
    if isinstance(field, forms.BooleanField):
        return "Yes" if value in (True, "on", "True", "true") else "No"
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): str(v) for k, v in field.choices}
        return labels.get(str(value or ""), str(value or ""))
    return "" if value is None else str(value)


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Add a comment", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What needs changing?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person who submitted it gets this by email.",
    )


class ApproveForm(forms.Form):
    """The approver's declaration: the sentence to tick and who signs it (date: today)."""

    declared = forms.BooleanField(
        required=True,
        error_messages={"required": "Tick the declaration to confirm you have reviewed it."},
    )
    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Enter your name as it should appear on the report."},
    )
    role = forms.CharField(
        label="Your role",
        max_length=200,
        help_text="As it should appear on the approved report, e.g. Registered Manager.",
        error_messages={"required": "Enter your role, e.g. Registered Manager."},
    )

    def __init__(self, *args, declaration: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declared"].label = declaration or "I have reviewed this assessment."


class StartForm(forms.Form):
    previously_published = forms.BooleanField(
        label="We have published a DSPT before",
        required=False,
        help_text="Approaching Standards can be published only once, so we need to know.",
    )


class PublicationForm(forms.Form):
    published_on = forms.DateField(
        label="Date published on the national toolkit",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    outcome = forms.ChoiceField(
        label="Outcome the toolkit shows",
        choices=PublishedOutcome.choices,
        widget=forms.RadioSelect,
    )


class ImprovementActionForm(forms.ModelForm):
    """An improvement action; its evidence items are chosen from this assessment."""

    responses = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Evidence items it helps meet",
        widget=forms.CheckboxSelectMultiple,
        help_text="Unanswered mandatory items are listed, plus any already linked.",
    )

    class Meta:
        from .models import ImprovementAction

        model = ImprovementAction
        fields = ["title", "owner", "target_date", "status", "completion_note", "completed_on"]
        widgets = {
            "title": forms.TextInput(),
            "target_date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "completed_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "completion_note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": "One clear step, e.g. 'Ask our IT supplier to sign the administrator "
            "agreement'.",
            "completion_note": "When it is done: what was done, and where the evidence is.",
        }

    def __init__(self, *args, assessment, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        members = (
            get_user_model()
            .objects.filter(memberships__organisation=assessment.organisation)
            .order_by("full_name", "email")
        )
        self.fields["owner"].queryset = members
        self.fields["owner"].empty_label = "Nobody yet"
        linked = (
            set(self.instance.items.values_list("response_id", flat=True))
            if self.instance.pk
            else set()
        )
        responses = [
            r
            for r in assessment.responses.select_related("item").prefetch_related("document_links")
            if r.pk in linked or (r.item.is_mandatory and not r.is_answered)
        ]
        self.fields["responses"].queryset = assessment.responses.filter(
            pk__in=[r.pk for r in responses]
        ).select_related("item")
        self.fields["responses"].label_from_instance = lambda r: f"{r.item.ref} {r.item.summary}"
        self.fields["responses"].initial = list(linked)

    def clean(self):
        from django.utils import timezone

        cleaned = super().clean()
        done_on = cleaned.get("completed_on")
        if done_on and done_on > timezone.localdate():
            self.add_error("completed_on", "The completion date cannot be in the future.")
        if done_on and cleaned.get("status") != "done":
            self.add_error("status", "Mark it Done, or clear the completion date.")
        return cleaned
