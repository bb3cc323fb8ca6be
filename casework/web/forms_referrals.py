"""Forms of the directory and referral pages."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.accounts.models import Program
from casework.clients.models import ConsentCategory
from casework.core import uploads
from casework.referrals.models import Status, Urgency
from casework.resources.search import NEED_CATEGORIES

NEED_CHOICES = [("", "Any need"), *NEED_CATEGORIES.items()]


class ReferralForm(forms.Form):
    """A new referral of one client, to a directory service or a program of the agency."""

    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), label="Referring program", empty_label=None
    )
    service = forms.CharField(widget=forms.HiddenInput, required=False)
    intervention = forms.UUIDField(widget=forms.HiddenInput, required=False)
    recipient_program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        required=False,
        label="Or refer to a program of this agency",
        help_text="An internal referral: leave empty when referring to the service above.",
    )
    need_category = forms.ChoiceField(choices=NEED_CHOICES, required=False, label="Need")
    need = forms.CharField(max_length=300, required=False, label="Need, in your words")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="What the client needs from the service. The receiving side reads this.",
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ROUTINE)
    shared_categories = forms.MultipleChoiceField(
        choices=[c for c in ConsentCategory.choices if c[0] != ConsentCategory.GENERAL],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Also share",
        help_text=(
            "The client's name and contact details are always shared. Anything you share "
            "must be covered by a consent the client signed for this recipient."
        ),
    )
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Respond by"
    )
    attachment = forms.FileField(required=False, help_text="A PDF, PNG or JPEG document.")
    send = forms.BooleanField(required=False, initial=True, label="Send now (else save a draft)")

    def __init__(self, *args: Any, programs: Any, internal: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        self.fields["recipient_program"].queryset = internal  # type: ignore[attr-defined]

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > uploads.upload_limit():
            raise forms.ValidationError("The file is too large.")
        kind = uploads.document_kind(upload)
        if kind is None:
            raise forms.ValidationError("Attach a PDF, PNG or JPEG file.")
        upload.name = uploads.random_name(kind)
        return upload


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices, label="New status")
    reason = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    service_delivered = forms.NullBooleanField(
        required=False,
        label="Was the service delivered?",
        widget=forms.Select(choices=[("unknown", "Not known"), ("true", "Yes"), ("false", "No")]),
    )
    enrolled = forms.NullBooleanField(
        required=False,
        label="Was the client enrolled?",
        widget=forms.Select(choices=[("unknown", "Not known"), ("true", "Yes"), ("false", "No")]),
    )
    outcome_note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MessageForm(forms.Form):
    body = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Message"
    )


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label="Appointment", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
