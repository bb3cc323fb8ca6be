"""Forms of the caseload pages: notes, tasks, appointments, crises, reassignment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from casework.accounts.models import Program, User
from casework.caseload.models import CrisisKind, Severity
from casework.casenotes.models import TEMPLATES, CaseNote, NoteContactMethod, NoteType
from casework.clients.models import ConsentCategory
from casework.scheduling.models import AppointmentMode, Priority

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

    goal_ids = forms.MultipleChoiceField(
        label="Goals addressed",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The service-plan goals this contact worked on.",
    )

    def __init__(
        self,
        *args: Any,
        note: CaseNote,
        plan_goals: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
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
        kwargs["initial"].setdefault("goal_ids", [str(g) for g in note.goal_ids])
        super().__init__(*args, **kwargs)
        self.note_type = note.note_type
        goals = self.fields["goal_ids"]
        assert isinstance(goals, forms.MultipleChoiceField)
        goals.choices = [(str(pk), text) for pk, text in (plan_goals or [])]
        if not plan_goals:
            goals.widget = forms.MultipleHiddenInput()
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
            "goal_ids": [int(g) for g in data.get("goal_ids") or []],
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


REMINDER_CHOICES = [
    ("10080", "1 week before"),
    ("1440", "1 day before"),
    ("60", "1 hour before"),
    ("15", "15 minutes before"),
]
REPEAT_CHOICES = [
    ("", "Does not repeat"),
    ("FREQ=DAILY", "Every day"),
    ("FREQ=WEEKLY", "Every week"),
    ("FREQ=WEEKLY;INTERVAL=2", "Every two weeks"),
    ("FREQ=MONTHLY", "Every month"),
]


class TaskForm(forms.Form):
    """A task's fields; the checklist is one item per line."""

    title = forms.CharField(label="What needs doing", max_length=200)
    due_at = forms.DateTimeField(label="Due", widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS)
    priority = forms.TypedChoiceField(
        label="Priority", coerce=int, choices=Priority.choices, initial=Priority.NORMAL
    )
    assignee = forms.ModelChoiceField(
        label="Assigned to", queryset=User.objects.none(), empty_label=None
    )
    recurrence = forms.ChoiceField(label="Repeats", choices=REPEAT_CHOICES, required=False)
    reminders = forms.MultipleChoiceField(
        label="Remind me",
        choices=REMINDER_CHOICES,
        required=False,
        initial=["1440", "60"],
        widget=forms.CheckboxSelectMultiple,
        help_text="In Casework and by email (the email names no client).",
    )
    checklist = forms.CharField(
        label="Checklist",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One step per line.",
    )
    details = forms.CharField(
        label="Details", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, assignees: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = assignees if assignees is not None else User.objects.none()

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        lines = [line.strip() for line in data.get("checklist", "").splitlines()]
        return {
            "priority": data["priority"],
            "recurrence": data.get("recurrence", ""),
            "reminder_minutes": [int(m) for m in data.get("reminders", [])],
            "checklist": [{"text": line, "done": False} for line in lines if line],
            "details": data.get("details", ""),
        }


class CrisisForm(forms.Form):
    """The crisis report: four answers, all on one screen."""

    kind = forms.ChoiceField(
        label="What kind of crisis", choices=CrisisKind.choices, widget=forms.RadioSelect
    )
    severity = forms.TypedChoiceField(
        label="How severe", coerce=int, choices=Severity.choices, widget=forms.RadioSelect
    )
    what_happened = forms.CharField(
        label="What happened", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    actions_taken = forms.CharField(
        label="Actions taken so far",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    program = forms.ModelChoiceField(
        label="Program", queryset=Program.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, programs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs if programs is not None else Program.objects.none()
        if programs is not None and len(programs) == 1:
            field.initial = programs[0].pk
            field.widget = forms.HiddenInput()


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="How it was resolved", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppointmentForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Starts", widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=720, initial=60
    )
    mode = forms.ChoiceField(label="How", choices=AppointmentMode.choices)
    place = forms.CharField(label="Place", max_length=200, required=False)
    purpose = forms.CharField(label="Purpose", max_length=200, required=False)
    provider = forms.CharField(
        label="Outside provider", max_length=200, required=False, help_text="If one attends."
    )
    worker = forms.ModelChoiceField(label="With", queryset=User.objects.none(), empty_label=None)
    program = forms.ModelChoiceField(
        label="Program", queryset=Program.objects.none(), empty_label=None
    )
    book_anyway = forms.BooleanField(
        label="Book it even though it overlaps", required=False, widget=forms.HiddenInput
    )

    def __init__(
        self, *args: Any, programs: Any = None, workers: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, rows, model in (("program", programs, Program), ("worker", workers, User)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = rows if rows is not None else model.objects.none()

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            k: data[k]
            for k in ("starts_at", "duration_minutes", "mode", "place", "purpose", "provider")
        }


class ReassignForm(forms.Form):
    """A supervisor's bulk move: the chosen clients' enrollments or tasks to one worker."""

    what = forms.ChoiceField(
        choices=[("clients", "Clients"), ("tasks", "Open tasks")], widget=forms.HiddenInput
    )
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    to = forms.ModelChoiceField(label="Reassign to", queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args: Any, choices: Any = (), workers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = list(choices)  # type: ignore[attr-defined]  # a choice field
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = workers if workers is not None else User.objects.none()


def _person_label(user: Any) -> str:
    return str(user.full_name or user.email)


class TransferForm(forms.Form):
    """Hand a client over: which of their programs, to whom, why, and what to know."""

    enrollment = forms.TypedChoiceField(label="Program", coerce=int)
    to = forms.ModelChoiceField(
        label="Hand over to",
        queryset=User.objects.none(),
        help_text="Case managers of the program who may take clients today.",
    )
    reason = forms.CharField(label="Why", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    handoff_note = forms.CharField(
        label="What the new case manager should know",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The summary of goals, open tasks, risks and upcoming appointments is "
        "added for you.",
    )

    def __init__(self, *args: Any, enrollments: Any = (), workers: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["enrollment"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(e.pk, e.program.name) for e in enrollments]
        to = self.fields["to"]
        assert isinstance(to, forms.ModelChoiceField)
        to.queryset = workers if workers is not None else User.objects.none()
        to.label_from_instance = _person_label  # type: ignore[method-assign,assignment]


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label="Why you decline", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


def _weight_input(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=12,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "10"}),
    )


class LoadWeightsForm(forms.Form):
    """A program's load weights (checked by ``caseload.workload.load_weights_save``)."""

    client_weight = _weight_input(
        "Each client", "The load of one client of this program (1 = a typical client)."
    )
    crisis_1 = _weight_input("Each open low-severity crisis")
    crisis_2 = _weight_input("Each open moderate-severity crisis")
    crisis_3 = _weight_input("Each open high-severity crisis")
    crisis_4 = _weight_input("Each open critical crisis")
    flag_low = _weight_input("Each open low risk flag")
    flag_moderate = _weight_input("Each open moderate risk flag")
    flag_high = _weight_input("Each open high risk flag")
