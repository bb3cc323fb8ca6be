"""Forms of the caseload pages: notes, tasks, appointments, crises, reassignment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from casework.accounts.models import Program
from casework.casenotes.models import TEMPLATES, CaseNote, NoteContactMethod, NoteType
from casework.clients.models import ConsentCategory

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class NoteStartForm(forms.Form):
    """The two choices a new note needs: its template and the program it documents."""

    note_type = forms.ChoiceField(label="Type of note", choices=NoteType.choices)
    program = forms.ModelChoiceField(
        label="Program", queryset=Program.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, programs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs if programs is not None else Program.objects.none()


class NoteForm(forms.Form):
    """A draft's fields plus one text area per section of its template."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    service_at = forms.DateTimeField(
        label="Date and time of service", widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    contact_method = forms.ChoiceField(label="Contact method", choices=NoteContactMethod.choices)
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=0,
        max_value=1440,
        help_text="Time spent with or for the client; billable units are counted from it.",
    )
    travel_minutes = forms.IntegerField(
        label="Travel (minutes)",
        min_value=0,
        max_value=1440,
        required=False,
        help_text="Recorded, never billed.",
    )
    location = forms.CharField(label="Location", max_length=200, required=False)
    category = forms.ChoiceField(
        label="Kind of information",
        choices=ConsentCategory.choices,
        help_text="Decides who outside the program may read it under a consent.",
    )

    def __init__(self, *args: Any, note: CaseNote, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": note.version,
                "service_at": timezone.localtime(note.service_at),
                "contact_method": note.contact_method,
                "duration_minutes": note.duration_minutes,
                "travel_minutes": note.travel_minutes,
                "location": note.location,
                "category": note.category,
            },
        )
        super().__init__(*args, **kwargs)
        self.note_type = note.note_type
        for key, heading, prompt in TEMPLATES[note.note_type]:
            self.fields[f"section_{key}"] = forms.CharField(
                label=heading,
                help_text=prompt,
                required=False,
                max_length=20000,
                initial=note.sections.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def section_fields(self) -> list[forms.BoundField]:
        return [self[f"section_{key}"] for key, _h, _p in TEMPLATES[self.note_type]]

    def service_data(self) -> dict[str, Any]:
        """The cleaned form as the service's ``data``."""
        data = self.cleaned_data
        return {
            "service_at": data["service_at"],
            "contact_method": data["contact_method"],
            "duration_minutes": data["duration_minutes"] or 0,
            "travel_minutes": data.get("travel_minutes") or 0,
            "location": data.get("location", ""),
            "category": data["category"],
            "sections": {
                key: data.get(f"section_{key}", "")
                for key, _h, _p in TEMPLATES[self.note_type]
                if data.get(f"section_{key}")
            },
        }


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Dated and signed with your name; the original note stays as it was.",
    )


class NoteSearchForm(forms.Form):
    q = forms.CharField(label="Search this client's notes", max_length=200, required=False)
