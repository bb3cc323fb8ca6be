"""Forms of the staff development pages (rendered by casework.web)."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.accounts.models import User
from casework.workforce.development.models import DevelopmentGoal, Level, StudyEntry
from casework.workforce.development.services import skill_code_for
from casework.workforce.models import ContinuingEducation

DATE = forms.DateInput(attrs={"type": "date"})
LEVEL_CHOICES = [("", "Choose a level"), *Level.choices]


class RatingForm(forms.Form):
    """One level and comment per skill of the review's framework version."""

    def __init__(self, *args: Any, skills: list[dict[str, Any]], side: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.skills = skills
        for skill in skills:
            self.fields[f"{skill['code']}_level"] = forms.ChoiceField(
                choices=LEVEL_CHOICES, label=f"{skill['name']}: level", required=True
            )
            self.fields[f"{skill['code']}_comment"] = forms.CharField(
                required=False,
                max_length=2000,
                label=f"{skill['name']}: comment",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.side = side

    def ratings(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            s["code"]: (data[f"{s['code']}_level"], data.get(f"{s['code']}_comment", ""))
            for s in self.skills
        }


class GoalForm(forms.ModelForm):
    class Meta:
        model = DevelopmentGoal
        fields = ["skill_code", "what", "by_when", "method", "how"]
        widgets = {"by_when": DATE}
        labels = {
            "skill_code": "Skill",
            "what": "What you will develop",
            "by_when": "By when",
            "method": "How",
            "how": "Details (course, colleague to shadow, training)",
        }

    def __init__(self, *args: Any, skills: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill_code"] = forms.ChoiceField(
            choices=[(s["code"], s["name"]) for s in skills], label="Skill"
        )


class GoalCompleteForm(forms.Form):
    completed_on = forms.DateField(widget=DATE, label="Completed on")
    evidence_ce: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=ContinuingEducation.objects.none(),  # set per staff member below
        required=False,
        label="Completed CE course as evidence (optional)",
    )
    note = forms.CharField(max_length=500, required=False, label="What changed")

    def __init__(self, *args: Any, ce: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence_ce"].queryset = ce  # type: ignore[attr-defined]  # ModelChoiceField


class StudyForm(forms.ModelForm):
    class Meta:
        model = StudyEntry
        fields = ["domain", "kind", "on", "hours", "score_percent", "note"]
        widgets = {"on": DATE}
        labels = {
            "on": "Date (target date for planned study)",
            "hours": "Hours (planned or studied)",
            "score_percent": "Practice result, % (one you took elsewhere)",
        }

    def __init__(self, *args: Any, domains: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"] = forms.ChoiceField(
            choices=[(d["code"], d["name"]) for d in domains], label="Knowledge domain"
        )


class StartReviewForm(forms.Form):
    staff: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=User.objects.none(),  # the supervisor's team, set below
        label="Team member",
    )
    due_on = forms.DateField(widget=DATE, label="Due on")

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = team  # type: ignore[attr-defined]  # ModelChoiceField


class SkillForm(forms.Form):
    """One skill of the framework: its name, description and the indicator at each level.

    ``code`` is kept from the version being edited (reviews and goals name skills by it);
    a new skill gets one made from its name.
    """

    code = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    name = forms.CharField(max_length=120, label="Skill")
    description = forms.CharField(
        max_length=500, label="What the skill is", widget=forms.Textarea(attrs={"rows": 2})
    )
    developing = forms.CharField(
        max_length=500, label="Developing", widget=forms.Textarea(attrs={"rows": 2})
    )
    competent = forms.CharField(
        max_length=500, label="Competent", widget=forms.Textarea(attrs={"rows": 2})
    )
    proficient = forms.CharField(
        max_length=500, label="Proficient", widget=forms.Textarea(attrs={"rows": 2})
    )
    expert = forms.CharField(
        max_length=500, label="Expert", widget=forms.Textarea(attrs={"rows": 2})
    )


class SkillFormSetBase(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        """An agency's own skills can be removed; the five founding skills only reworded."""
        super().add_fields(form, index)
        rows = self.initial or []
        initial = rows[index] if index is not None and index < len(rows) else {}
        if initial.get("origin") == "agency":
            form.fields["DELETE"].label = "Remove this skill from the next version"
        else:
            form.fields.pop("DELETE", None)

    def skills(self) -> list[dict[str, Any]]:
        """The skills to save, in order, without the removed ones; new ones get a code."""
        kept = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        used = {str(d.get("code") or "") for d in kept} - {""}
        skills = []
        for data in kept:
            code = str(data.get("code") or "") or skill_code_for(str(data["name"]), used)
            used.add(code)
            skill: dict[str, Any] = {
                "code": code,
                "name": data["name"].strip(),
                "description": data["description"].strip(),
                "indicators": {level: data[level].strip() for level in Level.values},
            }
            skills.append(skill)
        return skills

    def form_index(self, position: int) -> int:
        """The form that holds the ``position``-th kept skill (for placing a service error)."""
        kept = [
            index
            for index, f in enumerate(self.forms)
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        return kept[position] if position < len(kept) else 0


SkillFormSet = forms.formset_factory(
    SkillForm, formset=SkillFormSetBase, extra=1, can_delete=True, max_num=30, validate_max=True
)


def skill_initial(skills: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Form data for the skills of a framework version."""
    return [
        {
            "code": s["code"],
            "origin": s.get("origin", ""),
            "name": s["name"],
            "description": s.get("description", ""),
            **{level: (s.get("indicators") or {}).get(level, "") for level in Level.values},
        }
        for s in skills
    ]


def skill_formset(data: Any, skills: list[dict[str, Any]]) -> SkillFormSetBase:
    """The framework page's formset: the skills of ``skills``, then one blank for a new one."""
    from typing import cast

    return cast(SkillFormSetBase, SkillFormSet(data, initial=skill_initial(skills), prefix="skill"))


class EvidenceForm(forms.Form):
    """Link one of the staff member's notes or tasks to a skill of a review."""

    skill_code = forms.ChoiceField(label="Skill")
    record = forms.ChoiceField(label="Record of the staff member's work")
    comment = forms.CharField(
        max_length=500,
        required=False,
        label="What it shows",
        help_text="Describe the work, not the client: everyone who reads the review sees it.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        skills: list[dict[str, Any]],
        records: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill_code"].choices = [(s["code"], s["name"]) for s in skills]  # type: ignore[attr-defined]  # ChoiceField
        self.fields["record"].choices = [("", "Choose a record"), *records]  # type: ignore[attr-defined]  # ChoiceField
