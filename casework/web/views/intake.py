"""The intake wizard and the eligibility-rules admin page (issue 3).

Steps, each a plain form that works without JavaScript: (1) search first for an existing
record; (2) the record (a new client, created as *referred* in the program, or a chosen
match); (3) the program's own questions and the eligibility screening; (4) the result,
explained, with an override (and its reason) and the enrollment. State travels in the URL
(program and client ids) and in the stored screening, never in the session.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts.models import Program
from casework.clients.intake_check import client_create_checked
from casework.clients.intake_search import query_notes
from casework.clients.matching.records import Person
from casework.clients.models import Client, EnrollmentStatus, NoYesReasons
from casework.core import exceptions as domain
from casework.intake import eligibility
from casework.intake.candidates import find_candidates
from casework.intake.models import EligibilityRulesVersion, EligibilityScreening, ScreeningResult
from casework.intake.permissions import (
    access_screening,
    intake_programs,
    program_for_intake,
    program_for_rules,
    rules_programs,
)
from casework.intake.services import (
    eligibility_for,
    eligibility_rules_save,
    intake_complete,
    screening_create,
    screening_override,
)
from casework.web.forms import (
    ClientFieldsForm,
    MemorableDateField,
    add_service_errors,
    error_text,
)
from casework.web.forms_assignment import IntakeCaseManagerForm
from casework.web.gates import load_client, signed_in_user
from casework.web.views.new_record import (
    add_reason_field,
    create_or_matches,
    matches_context,
    shared_clients,
)

DISABILITY_CHOICES = [(str(k), v) for k, v in eligibility.DISABILITY_TYPES.items()]
YES_NO = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]
STEPS = ("Search", "Record", "Questions and screening", "Result and enrollment")


def _split(value: str) -> list[str]:
    return [part for part in re.split(r"[,;\s]+", value or "") if part]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


# --- Forms -------------------------------------------------------------------------------


class SearchForm(forms.Form):
    program = forms.TypedChoiceField(label="Program", coerce=int)
    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = MemorableDateField(
        label="Date of birth", required=False, help_text="For example: 4 28 1986"
    )
    phone = forms.CharField(label="Phone number", max_length=30, required=False)

    def __init__(self, *args: Any, programs: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["program"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", "- Select a program -")] + [(p.pk, p.name) for p in programs]

    def clean_date_of_birth(self) -> date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise ValidationError("Date of birth cannot be in the future.")
        return born


class ScreeningForm(forms.Form):
    """The program's own questions (``q_<key>``) and the eligibility answers."""

    date_of_birth = MemorableDateField(
        label="Date of birth", required=False, help_text="For example: 4 28 1986"
    )
    state = forms.CharField(label="State", max_length=2, required=False, help_text="e.g. NY")
    county = forms.CharField(label="County", max_length=100, required=False)
    postal_code = forms.CharField(label="ZIP code", max_length=10, required=False)
    household_size = forms.IntegerField(
        label="People in the household", required=False, help_text="The client included."
    )
    household_income = forms.DecimalField(
        label="Household income a year, in dollars",
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text="Before taxes, everyone in the household together.",
    )
    disability_types = forms.MultipleChoiceField(
        label="Disabling conditions (HMIS 1.3)",
        required=False,
        choices=DISABILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    diagnosis_codes = forms.CharField(
        label="Diagnosis codes", max_length=200, required=False, help_text="e.g. F32.9, F41.1"
    )
    is_veteran = forms.ChoiceField(label="Veteran", choices=YES_NO, required=False)

    def __init__(self, *args: Any, questions: tuple[eligibility.Question, ...], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.program_questions = questions
        for question in questions:
            self.fields[f"q_{question.key}"] = forms.ChoiceField(
                label=question.text, choices=YES_NO, required=False, widget=forms.RadioSelect
            )

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{q.key}"] for q in self.program_questions]

    def eligibility_fields(self) -> list[forms.BoundField]:
        skip = {"date_of_birth", "disability_types"}
        return [self[n] for n in self.fields if not n.startswith("q_") and n not in skip]

    def answers(self) -> eligibility.Answers:
        data = self.cleaned_data
        income = data.get("household_income")
        return eligibility.Answers(
            date_of_birth=data.get("date_of_birth"),
            state=(data.get("state") or "").strip().upper() or None,
            county=(data.get("county") or "").strip() or None,
            postal_code=(data.get("postal_code") or "").strip() or None,
            household_size=data.get("household_size"),
            household_income=Decimal(income) if income is not None else None,
            # A submitted form answers the checklist: nothing ticked means "none".
            disability_types=tuple(int(t) for t in data.get("disability_types") or ()),
            diagnosis_codes=tuple(c.upper() for c in _split(data.get("diagnosis_codes", ""))),
            is_veteran=_yes_no(data.get("is_veteran", "")),
            questions={
                q.key: answer
                for q in self.program_questions
                if (answer := _yes_no(data.get(f"q_{q.key}", ""))) is not None
            },
        )


def _initial_answers(client: Client) -> dict[str, Any]:
    veteran = {int(NoYesReasons.YES): "yes", int(NoYesReasons.NO): "no"}.get(
        client.veteran_status, ""
    )
    address_hidden = getattr(client, "address_hidden", False)
    return {
        "date_of_birth": client.date_of_birth,
        "state": "" if address_hidden else client.state,
        "postal_code": "" if address_hidden else client.postal_code,
        "is_veteran": veteran,
    }


class OverrideForm(forms.Form):
    result = forms.ChoiceField(
        label="Result to record",
        choices=[
            (ScreeningResult.ELIGIBLE.value, "Eligible"),
            (ScreeningResult.WAITLISTED.value, "Eligible, waitlisted"),
            (ScreeningResult.INELIGIBLE.value, "Not eligible"),
        ],
    )
    reason = forms.CharField(
        label="Reason for the override",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with your name in the audit trail.",
    )


# --- Step 1: search first ----------------------------------------------------------------


@login_required
def intake_start(request: HttpRequest) -> HttpResponse:
    programs = intake_programs(request.user)
    if not programs:
        raise PermissionDenied("You do not work in a program that takes new clients.")
    searching = "given_name" in request.GET
    initial = {"program": programs[0].pk} if len(programs) == 1 else {}
    form = SearchForm(request.GET if searching else None, programs=programs, initial=initial)
    context: dict[str, Any] = {"form": form, "steps": STEPS, "step": 1, "searched": False}
    if searching and form.is_valid():
        data = form.cleaned_data
        born = data.get("date_of_birth")
        candidates = find_candidates(
            request.user,
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=born,
            phone=data.get("phone", ""),
        )
        entered = Person(id="entered", first_name=data["given_name"], last_name=data["family_name"])
        context |= {
            "searched": True,
            "program": next(p for p in programs if p.pk == data["program"]),
            "candidates": candidates,
            "shared": shared_clients(c.client for c in candidates),
            "strong_match": any(c.possible_duplicate for c in candidates),
            "search_notes": query_notes(entered),
            "new_url": reverse("web:intake_new_client", args=[data["program"]])
            + "?"
            + urlencode(
                {
                    "given_name": data["given_name"],
                    "family_name": data["family_name"],
                    "dob": born.isoformat() if born else "",
                    "phone": data.get("phone", ""),
                }
            ),
        }
    return render(request, "intake/start.html", context)


# --- Step 2: the record ------------------------------------------------------------------


def _new_client_initial(request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: request.GET.get(name, "")[:100] for name in ("given_name", "family_name", "phone")
    }
    with contextlib.suppress(ValueError):
        initial["date_of_birth"] = date.fromisoformat(request.GET.get("dob", ""))
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def intake_new_client(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_for_intake(request.user, program_id)
    form = ClientFieldsForm(
        request.POST if request.method == "POST" else None,
        initial=_new_client_initial(request) if request.method == "GET" else None,
    )
    add_reason_field(form)
    context: dict[str, Any] = {"form": form, "program": program, "steps": STEPS, "step": 2}
    if request.method == "POST" and form.is_valid():

        def create(reason: str) -> Client:
            return client_create_checked(
                actor=request.user,
                program=program,
                data=form.client_data(),
                new_record_reason=reason,
                enrollment_status=EnrollmentStatus.REFERRED,
            )

        try:
            created = create_or_matches(request, form, create)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if isinstance(created, Client):
                messages.success(request, f"Saved {created.display_name}, referred to {program}.")
                return redirect("web:intake_screen", program_id=program.pk, client_id=created.pk)
            context |= matches_context(created)
    return render(request, "intake/new_client.html", context)


# --- Step 3: questions and screening -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def intake_screen(request: HttpRequest, program_id: int, client_id: int) -> HttpResponse:
    program = program_for_intake(request.user, program_id)
    client = load_client(request.user, client_id)
    current = eligibility_for(program)
    rules = current.parsed_rules
    if request.method == "GET":
        form = ScreeningForm(initial=_initial_answers(client), questions=rules.questions)
    else:
        form = ScreeningForm(request.POST, questions=rules.questions)
        if form.is_valid():
            try:
                screening = screening_create(
                    actor=request.user, client=client, program=program, answers=form.answers()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("web:intake_result", pk=screening.pk)
    context = {
        "form": form,
        "program": program,
        "client": client,
        "rules": rules,
        "capacity": current.capacity,
        "steps": STEPS,
        "step": 3,
    }
    return render(request, "intake/screen.html", context)


# --- Step 4: result, override and enrollment ---------------------------------------------


def _result_page(
    request: HttpRequest,
    screening: EligibilityScreening,
    override_form: OverrideForm | None = None,
    status: int = 200,
    case_manager_form: IntakeCaseManagerForm | None = None,
) -> HttpResponse:
    context = {
        "screening": screening,
        "client": screening.client,
        "program": screening.program,
        "override_form": override_form or OverrideForm(),
        "case_manager_form": case_manager_form
        or IntakeCaseManagerForm(user=signed_in_user(request), program=screening.program),
        "steps": STEPS,
        "step": 4,
        "can_finish": screening.final_result != ScreeningResult.UNDETERMINED,
    }
    return render(request, "intake/result.html", context, status=status)


@login_required
def intake_result(request: HttpRequest, pk: int) -> HttpResponse:
    screening = access_screening(request.user, pk)
    return _result_page(request, screening)


@login_required
@require_POST
def intake_override(request: HttpRequest, pk: int) -> HttpResponse:
    screening = access_screening(request.user, pk, write=True)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            screening_override(
                actor=request.user,
                screening=screening,
                result=form.cleaned_data["result"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Override recorded.")
            return redirect("web:intake_result", pk=screening.pk)
    return _result_page(request, screening, form, status=422)


@login_required
@require_POST
def intake_finish(request: HttpRequest, pk: int) -> HttpResponse:
    screening = access_screening(request.user, pk, write=True)
    form = IntakeCaseManagerForm(
        request.POST, user=signed_in_user(request), program=screening.program
    )
    if not form.is_valid():
        return _result_page(request, screening, status=422, case_manager_form=form)
    try:
        enrollment = intake_complete(
            actor=request.user, screening=screening, primary_case_manager=form.chosen()
        )
    except ValidationError as error:
        if "primary_case_manager" in getattr(error, "error_dict", {}):
            add_service_errors(form, error)
            return _result_page(request, screening, status=422, case_manager_form=form)
        messages.error(request, error_text(error))
        return redirect("web:intake_result", pk=screening.pk)
    if enrollment is None:
        messages.info(request, f"{screening.client.display_name} was not enrolled.")
    else:
        label = EnrollmentStatus(enrollment.status).label.lower()
        position = getattr(enrollment, "waitlist_position", None)
        where = f" (position {position} on the waiting list)" if position else ""
        messages.success(
            request, f"{screening.client.display_name} is {label} in {screening.program}{where}."
        )
    return redirect("web:client_detail", pk=screening.client_id)


# --- Rules admin -------------------------------------------------------------------------


def _questions_text(questions: tuple[eligibility.Question, ...]) -> str:
    return "\n".join(f"{q.text} = {'yes' if q.required_answer else 'no'}" for q in questions)


def _question_key(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:36]
    if not base[:1].isalpha():
        base = ("q_" + base)[:36].rstrip("_")
    key, n = base, 2
    while key in taken:
        key, n = f"{base[:36]}_{n}", n + 1
    taken.add(key)
    return key


class RulesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    min_age = forms.IntegerField(label="Minimum age (years)", required=False)
    max_age = forms.IntegerField(label="Maximum age (years)", required=False)
    states = forms.CharField(
        label="States served", required=False, help_text="Two-letter codes, e.g. NY, NJ."
    )
    counties = forms.CharField(
        label="Counties served", required=False, help_text="Separate with commas."
    )
    postal_codes = forms.CharField(
        label="ZIP codes served", required=False, help_text="Five-digit codes, e.g. 12207, 12208."
    )
    max_income_percent = forms.IntegerField(
        label="Household income limit (% of the federal poverty guideline)", required=False
    )
    guideline_year = forms.IntegerField(
        label="Poverty guideline year",
        required=False,
        help_text="Leave empty to use the latest year loaded up to the screening date.",
    )
    disability_types = forms.MultipleChoiceField(
        label="Required disabling condition (any of)",
        required=False,
        choices=DISABILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    diagnosis_codes = forms.CharField(
        label="Or one of these diagnosis codes", required=False, help_text="e.g. F20, F31.9"
    )
    veteran_required = forms.BooleanField(label="Only veterans are eligible", required=False)
    capacity = forms.IntegerField(
        label="Places in the program",
        required=False,
        help_text="When active enrollments reach this, eligible people are waitlisted.",
    )
    questions = forms.CharField(
        label="Program questions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line, ending with = yes or = no (the answer needed to be eligible).",
    )

    def clean_questions(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        taken: set[str] = set()
        for number, line in enumerate(self.cleaned_data.get("questions", "").splitlines(), 1):
            if not line.strip():
                continue
            text, sep, answer = line.rpartition("=")
            if not sep or answer.strip().lower() not in ("yes", "no") or not text.strip():
                raise ValidationError(f"Line {number}: end the question with = yes or = no.")
            rows.append(
                {
                    "key": _question_key(text, taken),
                    "text": text.strip(),
                    "required_answer": answer.strip().lower() == "yes",
                }
            )
        return rows

    def rules(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "min_age": data.get("min_age"),
            "max_age": data.get("max_age"),
            "states": _split(data.get("states", "")),
            "counties": [c.strip() for c in data.get("counties", "").split(",") if c.strip()],
            "postal_codes": _split(data.get("postal_codes", "")),
            "max_income_percent": data.get("max_income_percent"),
            "guideline_year": data.get("guideline_year"),
            "disability_types": [int(t) for t in data.get("disability_types") or ()],
            "diagnosis_codes": _split(data.get("diagnosis_codes", "")),
            "veteran_required": bool(data.get("veteran_required")),
            "questions": data.get("questions") or [],
        }


def _rules_initial(rules: eligibility.Rules, capacity: int | None, version: int) -> dict[str, Any]:
    return {
        "version": version,
        "min_age": rules.min_age,
        "max_age": rules.max_age,
        "states": ", ".join(rules.states),
        "counties": ", ".join(rules.counties),
        "postal_codes": ", ".join(rules.postal_codes),
        "max_income_percent": rules.max_income_percent,
        "guideline_year": rules.guideline_year,
        "disability_types": [str(t) for t in rules.disability_types],
        "diagnosis_codes": ", ".join(rules.diagnosis_codes),
        "veteran_required": rules.veteran_required,
        "capacity": capacity,
        "questions": _questions_text(rules.questions),
    }


def _add_rule_errors(form: RulesForm, error: ValidationError) -> None:
    """Rule errors like ``questions.2.text`` belong to the form's ``questions`` box."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        field = name.split(".")[0]
        form.add_error(field if field in form.fields else None, problems)


@login_required
def intake_rules_list(request: HttpRequest) -> HttpResponse:
    programs = rules_programs(request.user)
    if not programs:
        raise PermissionDenied("Only administrators can change eligibility rules.")
    rows = [(p, eligibility_for(p)) for p in programs]
    return render(request, "intake/rules_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def intake_rules(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_for_rules(request.user, program_id, write=True)
    current = eligibility_for(program)
    status = 200
    if request.method == "GET":
        initial = _rules_initial(current.parsed_rules, current.capacity, current.version)
        form = RulesForm(initial=initial)
    else:
        form = RulesForm(request.POST)
        if form.is_valid():
            try:
                eligibility_rules_save(
                    actor=request.user,
                    program=program,
                    rules=form.rules(),
                    capacity=form.cleaned_data.get("capacity"),
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                _add_rule_errors(form, error)
            except domain.StaleVersion:
                form.add_error(
                    None,
                    "Someone else saved these rules while you were editing. Reload the page "
                    "to see their version, then make your change again.",
                )
                status = 409
            else:
                messages.success(request, f"Saved new eligibility rules for {program}.")
                return redirect(reverse("web:intake_rules", args=[program.pk]))
        status = status if status != 200 else 422
    versions = (
        EligibilityRulesVersion.objects.filter(eligibility__program=program)
        .select_related("saved_by")
        .order_by("-version")
        if current.pk
        else []
    )
    context = {"form": form, "program": program, "current": current, "versions": versions}
    return render(request, "intake/rules.html", context, status=status)
