"""Forms for the staff record pages and the pathway planner (rendered by casework.web)."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.accounts.models import PracticeArea, Program, Role, User
from casework.workforce.models import (
    Certification,
    CertificationKind,
    ContinuingEducation,
    Degree,
    Education,
    ExamKind,
    ExamResult,
    Licence,
    LicenceKind,
    Position,
    Practicum,
    RuleSet,
    Setting,
    SupervisedHours,
    Verification,
    VerificationMethod,
)
from casework.workforce.pathway import CERTIFICATION_CODES, LICENCE_CODES
from casework.workforce.services import EDITABLE

DATE = forms.DateInput(attrs={"type": "date"})


class EducationForm(forms.ModelForm):
    class Meta:
        model = Education
        fields = list(EDITABLE[Education])
        widgets = {"completed_on": DATE}


class LicenceForm(forms.ModelForm):
    class Meta:
        model = Licence
        fields = list(EDITABLE[Licence])
        widgets = {"issued_on": DATE, "expires_on": DATE}


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = list(EDITABLE[Certification])
        widgets = {"issued_on": DATE, "expires_on": DATE}


class ExamResultForm(forms.ModelForm):
    class Meta:
        model = ExamResult
        fields = list(EDITABLE[ExamResult])
        widgets = {"taken_on": DATE}
        labels = {"kind": "Exam", "passed": "Passed", "jurisdiction": "State (state exams)"}


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = list(EDITABLE[Position])
        widgets = {"started_on": DATE, "ended_on": DATE}


class ContinuingEducationForm(forms.ModelForm):
    certificate = forms.FileField(
        required=False,
        help_text="A PDF, PNG or JPEG, 5 MB at most.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    class Meta:
        model = ContinuingEducation
        fields = list(EDITABLE[ContinuingEducation])
        widgets = {"completed_on": DATE}


class PracticumForm(forms.ModelForm):
    class Meta:
        model = Practicum
        fields = list(EDITABLE[Practicum])
        widgets = {"started_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, supervisors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if supervisors is not None:
            self.fields["field_instructor"].queryset = supervisors  # type: ignore[attr-defined]  # ModelChoiceField


class SupervisedHoursForm(forms.ModelForm):
    class Meta:
        model = SupervisedHours
        fields = ["supervisor", "practicum", "worked_on", "hours", "kind", "note"]
        widgets = {"worked_on": DATE}
        help_texts = {
            "supervisor": "The supervisor who will sign this entry.",
            "practicum": "If these hours count toward one of your practicums.",
        }

    def __init__(
        self, *args: Any, supervisors: Any = None, practicums: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if supervisors is not None:
            self.fields["supervisor"].queryset = supervisors  # type: ignore[attr-defined]  # ModelChoiceField
        if practicums is not None:
            self.fields["practicum"].queryset = practicums  # type: ignore[attr-defined]  # ModelChoiceField


class SupervisedHoursEditForm(forms.ModelForm):
    """Correcting an unsigned entry: the supervisor named stays the same."""

    class Meta:
        model = SupervisedHours
        fields = ["worked_on", "hours", "kind", "note"]
        widgets = {"worked_on": DATE}


class ContinuingEducationEditForm(forms.ModelForm):
    class Meta:
        model = ContinuingEducation
        fields = list(EDITABLE[ContinuingEducation])
        widgets = {"completed_on": DATE}


class VerifyForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(Verification.VERIFIED, "Verified"), (Verification.REJECTED, "Could not verify")]
    )
    method = forms.ChoiceField(choices=VerificationMethod.choices[1:], label="How")


class RequirementForm(forms.Form):
    program: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=Program.objects.none())
    role = forms.ChoiceField(
        choices=[(Role.CASE_MANAGER, "Case manager"), (Role.SUPERVISOR, "Supervisor")]
    )
    any_of = forms.MultipleChoiceField(
        choices=[(c, c) for c in sorted(LICENCE_CODES | CERTIFICATION_CODES)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Holds one of",
        help_text="Leave all unticked to remove the requirement.",
    )
    in_program_state = forms.BooleanField(
        required=False, initial=True, label="A licence must be issued in the program's state"
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]  # ModelChoiceField


class ExceptionForm(forms.Form):
    program: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=Program.objects.none())
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Staff member"
    )
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    ends_on = forms.DateField(widget=DATE, label="Ends on", help_text="At most 180 days away.")

    def __init__(self, *args: Any, programs: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["user"].queryset = staff  # type: ignore[attr-defined]  # ModelChoiceField


class RuleEditForm(forms.Form):
    params = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        label="Parameters (YAML)",
    )
    citation = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    source_url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    marker = forms.ChoiceField(choices=RuleSet.Marker.choices)
    note = forms.CharField(max_length=500, required=False, label="What changed and why")

    def clean_params(self) -> Any:
        import yaml

        try:
            return yaml.safe_load(self.cleaned_data["params"])
        except yaml.YAMLError as exc:
            raise forms.ValidationError(f"This is not valid YAML: {exc}") from None


class PathwayForm(forms.Form):
    area = forms.ChoiceField(choices=PracticeArea.choices, label="Practice area")
    degrees = forms.MultipleChoiceField(
        choices=Degree.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Degrees you hold",
    )
    licences = forms.MultipleChoiceField(
        choices=[
            *[(c, label) for c, label in LicenceKind.choices if c != "OTHER"],
            *[(c, label) for c, label in CertificationKind.choices if c != "OTHER"],
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Licences and certifications you hold",
    )
    exams = forms.MultipleChoiceField(
        choices=ExamKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Exams you have passed",
        help_text="A passed certification exam counts its step as done; a passed licensure "
        "exam leaves the licence application.",
    )
    experience_months = forms.IntegerField(
        min_value=0,
        max_value=600,
        initial=0,
        label="Months of full-time case management experience",
    )
    supervised_months = forms.IntegerField(
        min_value=0,
        max_value=600,
        initial=0,
        label="Of those, months supervised by a certified case manager (CCM or CRC)",
    )
    state = forms.CharField(
        max_length=2, required=False, label="State (two letters)", help_text="For example TX."
    )
    goal = forms.ChoiceField(
        required=False,
        label="Your goal",
        choices=[
            ("", "The usual first credential for the area"),
            ("ccm", "Certified Case Manager (CCM)"),
            ("acm-rn", "ACM-RN (healthcare)"),
            ("lmsw", "LMSW (social work)"),
            ("lcsw", "LCSW (mental health, social work)"),
            ("lpc", "LPC / LMHC (mental health)"),
            ("crc", "CRC (vocational rehabilitation)"),
        ],
    )
    setting = forms.ChoiceField(
        required=False,
        label="Where you work or want to work",
        choices=[("", "The usual setting for the area"), *Setting.choices],
    )
