"""Forms for choosing and changing a client's primary case manager."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from casework.accounts.models import Program, User
from casework.clients import assignment
from casework.clients.assignment import REASON_MAX

UNASSIGNED = "none"


def _person(user: User) -> str:
    return user.full_name or user.email


def case_manager_choices(
    user: User, programs: Iterable[Program]
) -> tuple[list[tuple[Program, list[tuple[int, str]]]], dict[int, User]]:
    """Per program, whom ``user`` may choose as primary case manager (supervisors: the
    program's eligible staff; others: only themselves, when they carry a caseload)."""
    grouped: list[tuple[Program, list[tuple[int, str]]]] = []
    users: dict[int, User] = {}
    for program in programs:
        if assignment.can_assign_anyone(user, program):
            people = assignment.case_manager_candidates(program)
        else:
            people = [user] if assignment.carries_caseload(user, program) else []
        if people:
            grouped.append((program, [(p.pk, str(p)) for p in people]))
            users |= {p.pk: p for p in people}
    return grouped, users


class IntakeCaseManagerForm(forms.Form):
    """The case manager chosen when an intake ends in an enrollment (optional)."""

    primary_case_manager = forms.TypedChoiceField(
        label="Primary case manager", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, user: User, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grouped, self.people = case_manager_choices(user, [program])
        field = self.fields["primary_case_manager"]
        assert isinstance(field, forms.ChoiceField)
        people = grouped[0][1] if grouped else []
        field.choices = [("", "- Leave it to the supervisor -"), *people]
        if user.pk in self.people:
            self.initial.setdefault("primary_case_manager", user.pk)
        field.help_text = (
            "You can choose anyone of the program who holds its required credentials."
            if assignment.can_assign_anyone(user, program)
            else "You can take the client yourself, or leave the choice to the supervisor."
            if people
            else f"The supervisor of {program.name} chooses the case manager; the client "
            "waits in their \u201cNot assigned\u201d list."
        )

    def chosen(self) -> User | None:
        return self.people.get(self.cleaned_data.get("primary_case_manager") or 0)


class CaseManagerForm(forms.Form):
    """One enrollment: the new case manager (or nobody) and why."""

    case_manager = forms.ChoiceField(
        label="Primary case manager",
        help_text="Staff of this program who hold the credentials it requires.",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit trail, e.g. \u201cCaseload balancing\u201d.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self, *args: Any, candidates: Sequence[User], allow_none: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(user.pk): user for user in candidates}
        choices: list[tuple[str, str]] = [("", "- Choose a case manager -")]
        choices += [(pk, _person(user)) for pk, user in self.candidates.items()]
        if allow_none:
            choices.append((UNASSIGNED, "Nobody yet (leave for the supervisor)"))
        field = self.fields["case_manager"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def chosen(self) -> User | None:
        """The chosen person, or None for "nobody"; call after ``is_valid()``."""
        return self.candidates.get(self.cleaned_data["case_manager"])


class ReassignForm(CaseManagerForm):
    """Several enrollments of one program at once (the supervisor's bulk reassignment)."""

    enrollments = forms.TypedMultipleChoiceField(
        label="Clients", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    version = None  # type: ignore[assignment]  # each enrollment is checked in the service

    def __init__(self, *args: Any, rows: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enrollments"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(rows)
        field.error_messages["required"] = "Choose at least one client."
