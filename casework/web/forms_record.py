"""Forms of the client record pages (issue 3): profile, record parts, SSN, consent,
emergency access, enrollment lifecycle and CSV import. They parse; services write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from casework.accounts.models import Organization, Program
from casework.clients.consent import CONSENT_FIELDS, accept_signed_form
from casework.clients.consent_rules import DEFAULT_REVOCATION_INSTRUCTIONS
from casework.clients.models import (
    RECORD_PARTS,
    Client,
    ClientPart,
    ClosureReason,
    ConsentCategory,
    ContactMethod,
    DataQuality,
    Destination,
    Enrollment,
    EnrollmentStatus,
    ExpiryEvent,
    NoYesReasons,
    Race,
)
from casework.clients.models.consent import Consent
from casework.clients.services import allowed_moves, allowed_moves_text
from casework.core import places
from casework.core.uploads import upload_limit
from casework.web.forms import StateField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A drawn signature is an SVG path of move/line commands only: nothing that could script.
SVG_PATH = re.compile(r"^[MLml0-9 .,\-]*$")
SVG_PATH_MAX = 60_000
# --- Profile ------------------------------------------------------------------------------


class ProfileForm(forms.Form):
    """``Client.PROFILE_FIELDS`` with a hidden version for optimistic concurrency."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    pronouns = forms.CharField(label="Pronouns", max_length=40, required=False)
    name_data_quality = forms.TypedChoiceField(
        label="Name data quality (HMIS 3.01)", choices=DataQuality.choices, coerce=int
    )
    dob_data_quality = forms.TypedChoiceField(
        label="Date of birth data quality (HMIS 3.03)", choices=DataQuality.choices, coerce=int
    )
    ssn_data_quality = forms.TypedChoiceField(
        label="SSN data quality (HMIS 3.02)", choices=DataQuality.choices, coerce=int
    )
    race_ethnicity = forms.MultipleChoiceField(
        label="Race and ethnicity (HMIS; choose all that apply)",
        choices=Race.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    race_none = forms.TypedChoiceField(
        label="If none is recorded, why",
        choices=[("", "- Not applicable -")]
        + [(c, label) for c, label in DataQuality.choices if c >= 8],
        coerce=int,
        empty_value=None,
        required=False,
    )
    additional_race_ethnicity = forms.CharField(
        label="Additional race and ethnicity detail", max_length=100, required=False
    )
    primary_language = forms.CharField(label="Primary language", max_length=50, required=False)
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    veteran_status = forms.TypedChoiceField(
        label="Veteran status (HMIS 3.07)", choices=NoYesReasons.choices, coerce=int
    )
    preferred_contact_method = forms.ChoiceField(
        label="Preferred contact method",
        choices=[("", "- Not recorded -"), *ContactMethod.choices],
        required=False,
    )
    safe_contact_times = forms.CharField(
        label="Safe times to call",
        max_length=200,
        required=False,
        help_text="When it is safe to contact the client, e.g. weekdays 9-12.",
    )
    pcp_name = forms.CharField(label="Primary care provider", max_length=200, required=False)
    pcp_practice = forms.CharField(label="Primary care practice", max_length=200, required=False)
    pcp_phone = forms.CharField(label="Primary care phone", max_length=30, required=False)
    address_confidential = forms.BooleanField(
        label="Confidential address (hide it from everyone outside the care team)",
        required=False,
    )

    def profile_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in Client.PROFILE_FIELDS if name in self.fields
        }


# --- Record parts ------------------------------------------------------------------------


def _part_formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field:
    if isinstance(field, models.DateField):
        kwargs["widget"] = DATE_INPUT
    if field.name == "state":
        return StateField(label="State", required=not field.blank)
    formfield = field.formfield(**kwargs)
    assert formfield is not None  # every part field is editable
    return formfield


class PartForm(forms.Form):
    """Base of the generated part forms; adds the version and the date checks."""

    PAST_ONLY = frozenset({"date_of_birth", "information_date"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_places(data)
        today = timezone.localdate()
        for name in self.PAST_ONLY & set(data):
            if data.get(name) and data[name] > today:
                self.add_error(name, "This date cannot be in the future.")
        return data

    def _clean_places(self, data: dict[str, Any]) -> None:
        """ZIP codes and phone numbers as people expect them (``core.places``)."""
        checks = [("postal_code", places.clean_zip), ("phone", places.clean_phone)]
        if data.get("system") == "phone":
            checks.append(("value", places.clean_phone))
        for name, clean in checks:
            if data.get(name):
                try:
                    data[name] = clean(str(data[name]))
                except ValueError as error:
                    self.add_error(name, str(error))


def part_form_class(model: type[ClientPart]) -> type[PartForm]:
    """A form with the part's ``FIELDS`` (types, lengths and choices from the model)."""
    fields = forms.fields_for_model(
        model, fields=list(model.FIELDS), formfield_callback=_part_formfield
    )
    return type(f"{model.__name__}Form", (PartForm,), dict(fields))


PART_FORMS: dict[str, type[PartForm]] = {
    name: part_form_class(model) for name, model in RECORD_PARTS.items()
}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- SSN -----------------------------------------------------------------------------------


class SsnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    ssn = forms.CharField(
        label="Social Security number",
        max_length=20,
        required=False,
        help_text="9 digits, e.g. 123-45-6789. Leave empty to remove it.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


# --- Consent ---------------------------------------------------------------------------------


class ConsentForm(forms.Form):
    recipient_organization = forms.ModelChoiceField(
        label="Recipient organization",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="- None -",
    )
    recipient_program = forms.ModelChoiceField(
        label="Recipient program",
        queryset=Program.objects.none(),
        required=False,
        empty_label="- None -",
    )
    recipient_name = forms.CharField(
        label="Named recipient (person or class of persons)", max_length=200, required=False
    )
    categories = forms.MultipleChoiceField(
        label="Information that may be shared",
        choices=ConsentCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one category of information."},
    )
    information_description = forms.CharField(
        label="Description of the information",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for substance use (42 CFR Part 2): a specific description.",
    )
    purpose = forms.CharField(label="Purpose of the disclosure", max_length=300)
    kind = forms.ChoiceField(label="Kind of consent", choices=Consent.Kind.choices)
    effective_date = forms.DateField(label="Effective from", widget=DATE_INPUT)
    expiry_date = forms.DateField(label="Expires on", widget=DATE_INPUT, required=False)
    expiry_trigger = forms.ChoiceField(
        label="Or ends at this event",
        choices=ExpiryEvent.choices,
        required=False,
        help_text="Casework ends the consent itself when an enrollment closes, treatment "
        "ends or the client dies.",
    )
    expiry_enrollment = forms.ModelChoiceField(
        label="The enrollment whose closing ends it",
        queryset=Enrollment.objects.none(),
        required=False,
        empty_label="- None -",
    )
    expiry_event = forms.CharField(
        label="Describe the other event",
        max_length=200,
        required=False,
        help_text='For example "when the client moves into housing".',
    )
    review_date = forms.DateField(
        label="Review the other event on",
        widget=DATE_INPUT,
        required=False,
        help_text="Casework cannot see another event happen: on this date the case manager "
        "is asked whether it has. The consent stays in force until someone records it.",
    )
    revocation_instructions = forms.CharField(
        label="How the client can revoke",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=DEFAULT_REVOCATION_INSTRUCTIONS,
    )
    recipient_is_covered_entity = forms.BooleanField(
        label="The recipient is a HIPAA covered entity or business associate",
        required=False,
        help_text="For a treatment, payment and operations consent, the HIPAA redisclosure "
        "statement is then added.",
    )
    hipaa_redisclosure_statement = forms.CharField(required=False, widget=forms.HiddenInput)
    signature_method = forms.ChoiceField(
        label="How it was signed",
        choices=Consent.SignatureMethod.choices,
        widget=forms.RadioSelect,
        initial=Consent.SignatureMethod.TYPED,
    )
    signed_by_name = forms.CharField(label="Signed by (typed name)", max_length=200)
    signer_authority = forms.CharField(
        label="Signer's authority, if not the client",
        max_length=200,
        required=False,
        help_text="Guardian, personal representative, ...",
    )
    signed_on = forms.DateField(label="Date signed", widget=DATE_INPUT)
    signature_image = forms.CharField(required=False, widget=forms.HiddenInput)
    signed_form = forms.FileField(
        label="Signed form (PDF, PNG or JPEG)",
        required=False,
        help_text="The scanned, signed consent form.",
    )
    revocation_right_acknowledged = forms.BooleanField(
        label="The client was told they may revoke this consent in writing at any time",
        required=False,
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["effective_date"].initial = today
        self.fields["signed_on"].initial = today
        orgs = self.fields["recipient_organization"]
        assert isinstance(orgs, forms.ModelChoiceField)
        orgs.queryset = Organization.objects.exclude(pk=client.organization_id).order_by("name")
        programs = self.fields["recipient_program"]
        assert isinstance(programs, forms.ModelChoiceField)
        programs.queryset = (
            Program.objects.filter(is_active=True).select_related("organization").order_by("name")
        )
        enrollments = self.fields["expiry_enrollment"]
        assert isinstance(enrollments, forms.ModelChoiceField)
        enrollments.queryset = (
            Enrollment.objects.open().filter(client_id=client.pk).select_related("program")
        )

    def clean_signature_image(self) -> str:
        value = str(self.cleaned_data.get("signature_image") or "").strip()
        if len(value) > SVG_PATH_MAX or not SVG_PATH.match(value):
            raise ValidationError("The drawn signature could not be read; draw it again.")
        return value

    def clean_signed_form(self) -> Any:
        upload = self.cleaned_data.get("signed_form")
        if not upload:
            return None
        try:
            return accept_signed_form(upload)
        except ValidationError as error:
            raise ValidationError(error.message_dict["signed_form"]) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (
            data.get("recipient_organization")
            or data.get("recipient_program")
            or data.get("recipient_name")
        ):
            self.add_error(
                "recipient_organization",
                "Name a recipient: an organization, a program or a person.",
            )
        return data

    def consent_data(self) -> dict[str, Any]:
        """The service's consent fields (``CONSENT_FIELDS``) this form collects."""
        names = [f.removesuffix("_id") for f in CONSENT_FIELDS if f != "disclosing_program_id"]
        return {name: self.cleaned_data[name] for name in names}


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason for revoking", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Emergency access ----------------------------------------------------------------------


class EmergencyAccessForm(forms.Form):
    client_id = forms.IntegerField(label="Client ID", min_value=1)
    reason = forms.CharField(
        label="Reason for emergency access",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="State the emergency (at least 15 characters). Supervisors are alerted.",
        error_messages={"required": "State the emergency: access is refused without a reason."},
    )


class EmergencySearchForm(forms.Form):
    q = forms.CharField(label="Client's name", max_length=100)


# --- Enrollment lifecycle ---------------------------------------------------------------------


class TransitionForm(forms.Form):
    """The moves allowed from the enrollment's current status, by label, none preselected."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    to = forms.ChoiceField(label="Move to", widget=forms.RadioSelect)
    closure_reason = forms.ChoiceField(
        label="Reason for closing",
        choices=[("", "- Choose when closing -"), *ClosureReason.choices],
        required=False,
    )
    closure_note = forms.CharField(label="Closing note", max_length=300, required=False)
    destination = forms.TypedChoiceField(
        label="Destination at exit (HMIS 3.12, housing programs)",
        choices=[("", "- Not applicable -"), *Destination.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(status.value, status.label) for status in allowed_moves(current)]
        field.error_messages["invalid_choice"] = allowed_moves_text(current)


class ReenrollForm(forms.Form):
    status = forms.ChoiceField(
        label="Start as",
        choices=[
            (EnrollmentStatus.ACTIVE, "Active"),
            (EnrollmentStatus.REFERRED, "Referred"),
            (EnrollmentStatus.WAITLISTED, "Waitlisted"),
        ],
    )


# --- CSV import ---------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    program = forms.ModelChoiceField(
        label="Enroll the imported clients in",
        queryset=Program.objects.none(),
        empty_label="- Select a program -",
    )
    file = forms.FileField(label="CSV file", help_text="UTF-8, with a header row.")

    def __init__(self, *args: Any, program_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Program.objects.filter(pk__in=program_ids).order_by("name")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > upload_limit():
            raise ValidationError(
                f"The file is too large: at most {upload_limit() // 1024} KB is accepted. "
                "Split it into smaller files."
            )
        return upload
