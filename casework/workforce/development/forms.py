"""Forms of the staff development pages (rendered by casework.web)."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.accounts.models import User
from casework.workforce.development.models import DevelopmentGoal, Level, StudyEntry
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
