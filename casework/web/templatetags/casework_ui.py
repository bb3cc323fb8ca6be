"""Template helpers for USWDS markup: widgets with the right classes and ARIA wiring."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.utils.safestring import SafeString

register = template.Library()

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
    (Input, "usa-input"),
]


def widget_class(widget: forms.Widget) -> str:
    for kind, css in _WIDGET_CLASSES:
        if isinstance(widget, kind):
            return css
    return ""


@register.simple_tag
def uswds_widget(field: BoundField, extra_class: str = "") -> SafeString:
    """Render ``field``'s widget with USWDS classes; hint and error linked by aria-describedby."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    css = widget_class(field.field.widget)
    if field.errors and css in ("usa-input", "usa-select", "usa-textarea"):
        css += f" {css}--error"
    # No maxlength: a browser would silently cut what is typed ("New York" -> "Ne"); a value
    # that is too long comes back as an error naming the limit instead.
    field.field.widget.attrs.pop("maxlength", None)
    attrs: dict[str, str | bool] = {"class": f"{css} {extra_class}".strip()}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, page: Any, number: int) -> str:
    """The current URL's query string with ``page.param`` set to ``number``."""
    query = context["request"].GET.copy()
    query[page.param] = str(number)
    return "?" + query.urlencode()


@register.simple_tag
def date_parts(field: BoundField) -> list[str]:
    """Month, day and year strings for a memorable-date field, bound or initial."""
    value = field.value()
    if isinstance(value, datetime.date):
        return [str(value.month), str(value.day), str(value.year)]
    if isinstance(value, list | tuple) and len(value) == 3:
        return [str(v or "") for v in value]
    return ["", "", ""]


@register.filter
def age(born: datetime.date | None) -> int | str:
    """Whole years since ``born``, today in the site's time zone."""
    if not born:
        return ""
    from django.utils import timezone

    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@register.filter
def from_iso(value: Any) -> datetime.date | datetime.datetime | None:
    """A stored ISO date or date-time (e.g. in a JSON snapshot) as a value the ``date``
    filter formats the one way every page shows dates; anything else is shown as nothing."""
    if not value or not isinstance(value, str):
        return None
    try:
        if len(value) == 10:
            return datetime.date.fromisoformat(value)
        from django.utils import timezone

        moment = datetime.datetime.fromisoformat(value)
        return timezone.localtime(moment) if timezone.is_aware(moment) else moment
    except ValueError:
        return None


@register.filter
def plain_errors(errors: Any) -> list[str]:
    """Form errors in words: a database constraint's name never reaches the page."""
    from casework.core.messages import plain

    return [plain(str(error)) for error in errors or ()]


@register.filter
def public_citation(text: Any) -> str:
    """A rule's source as body and document, without working notes (see core.messages)."""
    from casework.core.messages import public_citation as clean

    return clean(str(text or ""))


@register.filter
def source_grade(marker: Any) -> str:
    """An evidence marker in words ("Checked against the issuing body")."""
    from casework.core.messages import source_grade as grade

    return grade(str(marker or ""))


@register.filter
def audit_label(event: Any) -> str:
    """An audit row as a phrase: "Updated the eligibility screening", never codes."""
    from casework.audit.labels import event_label

    return event_label(event)
