"""Forms for a consent's event outcome and an organization's consent element sets (issue 9).

They parse; the services in ``clients.consent_events`` and ``clients.consent_rules`` write.
"""

from __future__ import annotations

from django import forms

from casework.clients.consent_rules import ELEMENT_LABELS
from casework.clients.models import ConsentCategory
from casework.web.forms import StateField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventOutcomeForm(forms.Form):
    """Has the event a consent waits on (one Casework cannot see) happened?"""

    happened = forms.TypedChoiceField(
        label="Has the event happened?",
        choices=[
            ("yes", "Yes: it happened, the consent ends now"),
            ("no", "Not yet: review it again later"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the event has happened."},
    )
    next_review_date = forms.DateField(
        label="Review again on",
        widget=DATE_INPUT,
        required=False,
        help_text="Needed when the event has not happened yet: a date after today.",
    )
    note = forms.CharField(
        label="Note",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="How you know, for example who told you and when.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("happened") is False and not data.get("next_review_date"):
            self.add_error("next_review_date", "Give a later date to review the event again.")
        return data


class ConsentElementSetForm(forms.Form):
    """The elements a consent must hold when it releases one category of information."""

    name = forms.CharField(label="Name", max_length=200)
    category = forms.ChoiceField(label="Category of information", choices=ConsentCategory.choices)
    state = StateField(
        label="Applies in state",
        required=False,
        help_text="Leave empty to apply in every state.",
    )
    elements = forms.MultipleChoiceField(
        label="Elements the consent must hold",
        choices=list(ELEMENT_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one element."},
    )
    source = forms.CharField(
        label="Rule it follows",
        max_length=300,
        required=False,
        help_text="The body, the rule and its year, for example a state statute.",
    )
    is_active = forms.BooleanField(label="In use (consents are checked against it)", required=False)
