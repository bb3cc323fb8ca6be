"""Forms of the web UI. They parse and validate input; services do the writing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from casework.accounts.auth_audit import record_auth_event
from casework.accounts.models import Program, Role
from casework.accounts.throttle import sign_in_wait
from casework.audit.models import AuditAction
from casework.clients.models import Client, Sex
from casework.core import places
from casework.core.messages import plain
from casework.core.places import STATE_CHOICES


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` next to the fields it names (others on top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, [plain(m) for m in error.messages])
        return
    for name, messages in error.message_dict.items():
        field = name if name in form.fields else None
        form.add_error(field, [plain(m) for m in messages])


class StateField(forms.ChoiceField):
    """A US state from the USPS list; a typed code or name ("ny", "New York") is accepted
    (e.g. from an older form or a script) and stored as the code."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=STATE_CHOICES, **kwargs)
        self.error_messages["invalid_choice"] = "Choose a US state from the list."

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        try:
            return places.clean_state(text)
        except ValueError:
            return text


def _place(clean: Any, value: Any) -> str:
    """Run a ``casework.core.places`` cleaner, its ``ValueError`` as the field's error."""
    try:
        return str(clean(str(value or "")))
    except ValueError as error:
        raise ValidationError(str(error)) from None


def error_text(error: ValidationError) -> str:
    """A service's refusal as one sentence for a page message (constraint names replaced)."""
    return " ".join(plain(m) for m in error.messages)


# --- Sign in and two-factor --------------------------------------------------------------


class SignInForm(AuthenticationForm):
    """Email and password. The field stays named ``username`` for Django and django-axes."""

    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": "The email or password is not right. Check both and try again.",
        "inactive": "This account is turned off. Ask your administrator.",
    }

    def clean(self) -> dict[str, Any]:
        """Refuse, without checking the password, while the account must wait (guessing from
        many addresses is slowed per account); the address's own lockout is axes's answer."""
        username = self.cleaned_data.get("username")
        if username and self.request is not None:
            wait = sign_in_wait(username)
            if wait and not AxesProxyHandler.is_locked(self.request, {"username": username}):
                self.throttled = wait
                record_auth_event(
                    action=AuditAction.LOCKED_OUT,
                    identifier=username,
                    details={"reason": "slowed", "wait_seconds": wait},
                )
                raise forms.ValidationError(
                    f"Too many failed sign-ins for this account. Wait {wait} seconds and try "
                    "again, or reset your password.",
                    code="throttled",
                )
        return super().clean()


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or a recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class SecuritySettingsForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles that must use two-factor sign-in",
        required=False,
        choices=[(r.value, r.label) for r in Role if r != Role.PARTNER],
        widget=forms.CheckboxSelectMultiple,
    )


# --- Clients ------------------------------------------------------------------------------


class MemorableDateWidget(forms.MultiWidget):
    """Month, day and year boxes (the USWDS memorable-date pattern)."""

    def __init__(self) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "month": forms.TextInput(),
            "day": forms.TextInput(),
            "year": forms.TextInput(),
        }
        super().__init__(widgets)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [str(value.month), str(value.day), str(value.year)]
        return ["", "", ""]


class MemorableDateField(forms.Field):
    widget = MemorableDateWidget

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        parts = [str(p or "").strip() for p in (value or ["", "", ""])]
        if not any(parts):
            return None
        if not all(part.isdigit() for part in parts):
            raise ValidationError("Enter the month, day and year as numbers, e.g. 4 12 1961.")
        month, day, year = (int(p) for p in parts)
        if len(parts[2]) != 4:
            raise ValidationError("Enter the year with four digits, e.g. 1961.")
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(
                "Enter a real date: month 1-12 and a day in that month."
            ) from None


class ClientFieldsForm(forms.Form):
    """The editable client fields (``Client.EDITABLE_FIELDS``)."""

    given_name = forms.CharField(label="Legal first name", max_length=100)
    middle_name = forms.CharField(label="Middle name", max_length=100, required=False)
    family_name = forms.CharField(label="Legal last name", max_length=100)
    preferred_name = forms.CharField(
        label="Preferred name",
        max_length=100,
        required=False,
        help_text="What the client likes to be called, if it differs from the legal name.",
    )
    date_of_birth = MemorableDateField(
        label="Date of birth", required=False, help_text="For example: 4 28 1986"
    )
    sex = forms.TypedChoiceField(
        label="Sex", choices=Sex.choices, coerce=int, initial=Sex.NOT_COLLECTED
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label="Email address", required=False)
    address_line1 = forms.CharField(label="Street address", max_length=200, required=False)
    address_line2 = forms.CharField(
        label="Apartment, suite or unit", max_length=200, required=False
    )
    city = forms.CharField(label="City", max_length=100, required=False)
    state = StateField(label="State", required=False)
    postal_code = forms.CharField(
        label="ZIP code", max_length=10, required=False, help_text="5 digits, or 12345-6789"
    )

    IDENTITY = ("given_name", "middle_name", "family_name", "preferred_name", "sex")
    CONTACT = ("phone", "email")
    ADDRESS = ("address_line1", "address_line2", "city", "state", "postal_code")

    def client_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in Client.EDITABLE_FIELDS if name in self.fields
        }

    def clean_state(self) -> str:
        return _place(places.clean_state, self.cleaned_data["state"])

    def clean_postal_code(self) -> str:
        return _place(places.clean_zip, self.cleaned_data["postal_code"])

    def clean_phone(self) -> str:
        return _place(places.clean_phone, self.cleaned_data["phone"])


class ClientCreateForm(ClientFieldsForm):
    program = forms.ModelChoiceField(
        label="Program",
        queryset=Program.objects.none(),
        empty_label="- Select a program -",
        help_text="The client is enrolled in this program.",
    )
    primary_case_manager = forms.TypedChoiceField(
        label="Primary case manager",
        coerce=int,
        empty_value=None,
        required=False,
        help_text=(
            "Supervisors choose anyone of the program who holds its required credentials; "
            "others choose themselves, or leave it for the supervisor."
        ),
    )

    def __init__(
        self,
        *args: Any,
        program_ids: Iterable[int],
        case_managers: list[tuple[Program, list[tuple[int, str]]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.case_managers = case_managers
        program_field = self.fields["program"]
        assert isinstance(program_field, forms.ModelChoiceField)
        program_field.queryset = Program.objects.filter(pk__in=list(program_ids)).order_by("name")
        choices: list[Any] = [("", "- No primary case manager yet -")]
        choices += [(program.name, people) for program, people in case_managers]
        cm_field = self.fields["primary_case_manager"]
        assert isinstance(cm_field, forms.ChoiceField)
        cm_field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        program, cm_id = data.get("program"), data.get("primary_case_manager")
        if program is not None and cm_id is not None:
            allowed = {
                uid for p, people in self.case_managers if p.pk == program.pk for uid, _ in people
            }
            if cm_id not in allowed:
                self.add_error(
                    "primary_case_manager",
                    f"Choose a case manager who works in {program.name}.",
                )
        return data


class ClientEditForm(ClientFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The values the form started from (signed), to tell an edit-conflict's sides apart.
    base = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, hide_address: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hide_address:
            # A confidential address this user may not see is left out, never blanked.
            for name in Client.ADDRESS_FIELDS:
                del self.fields[name]


class ClientSearchForm(forms.Form):
    SORTS = {
        "name": ("family_name", "given_name", "id"),
        "-name": ("-family_name", "-given_name", "-id"),
        "dob": ("date_of_birth", "family_name", "id"),
        "-dob": ("-date_of_birth", "family_name", "id"),
        "newest": ("-created_at", "-id"),
    }
    q = forms.CharField(
        label="Search clients",
        max_length=100,
        required=False,
        help_text="Type the start of a first, last or preferred name.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    dob = forms.DateField(
        label="Date of birth",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("name", "Last name, A to Z"),
            ("-name", "Last name, Z to A"),
            ("dob", "Oldest first"),
            ("-dob", "Youngest first"),
            ("newest", "Newest record first"),
        ],
    )

    def sorts_by_name(self) -> bool:
        """The default A-to-Z order, which a name search replaces by matched-name order."""
        return (self.cleaned_data.get("sort") if self.is_valid() else "") in ("", "name", None)

    def ordering(self) -> tuple[str, ...]:
        sort = self.cleaned_data.get("sort") if self.is_valid() else ""
        return self.SORTS.get(sort or "name", self.SORTS["name"])


# --- Audit ----------------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    client = forms.IntegerField(label="Client ID", required=False, min_value=1)
    user = forms.CharField(label="User email (full address)", max_length=254, required=False)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "- Any action -"), *AuditAction.choices]
    )
    date_from = forms.DateField(
        label="From date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="To date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

    def filters(self) -> dict[str, Any]:
        """The filters as plain values (for audit details and CSV file names)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


# --- API tokens -------------------------------------------------------------------------------


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, e.g. 'monthly report script'.",
    )
    read_only = forms.BooleanField(
        label="Read-only: this token can look things up but not change anything",
        required=False,
    )
    expires_days = forms.IntegerField(
        label="Expires after (days)",
        required=False,
        min_value=1,
        initial=90,
        help_text="Leave empty for a token that does not expire.",
        widget=forms.NumberInput(attrs={"class": "usa-input--small"}),
    )

    def clean_expires_days(self) -> int | None:
        days: int | None = self.cleaned_data["expires_days"]
        if days is not None and days > settings.CASEWORK_TOKEN_MAX_DAYS:
            raise ValidationError(f"Choose at most {settings.CASEWORK_TOKEN_MAX_DAYS} days.")
        return days
