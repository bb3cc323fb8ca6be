"""The notification centre: unread count in the header, mark one or all read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casework.notifications.models import Notification
from casework.notifications.services import notify
from casework.web.tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(cm_health):
    return [
        notify(recipients=[cm_health], kind="test", title=f"Reminder {i}", email=False)[0]
        for i in range(3)
    ]


def test_unread_count_shows_in_the_header(client, cm_health, notes):
    body = text(signed_in(client, cm_health).get("/"))
    assert '<span class="cw-badge">3<span class="usa-sr-only"> unread</span>' in body


def test_notifications_are_listed(client, cm_health, notes):
    body = text(signed_in(client, cm_health).get(reverse("web:notifications")))
    assert all(f"Reminder {i}" in body for i in range(3))


def test_mark_one_read(client, cm_health, notes):
    signed_in(client, cm_health)
    response = client.post(reverse("web:notification_read", args=[notes[0].pk]))
    assert response.status_code == 302
    assert Notification.objects.unread().filter(recipient=cm_health).count() == 2
    assert Notification.objects.get(pk=notes[0].pk).read_at is not None


def test_mark_all_read(client, cm_health, notes):
    signed_in(client, cm_health)
    client.post(reverse("web:notifications_read_all"))
    assert not Notification.objects.unread().filter(recipient=cm_health).exists()
    assert "cw-badge" not in text(client.get("/"))


def test_cannot_mark_someone_elses_notification(client, cm_mental_health, notes):
    signed_in(client, cm_mental_health)
    client.post(reverse("web:notification_read", args=[notes[0].pk]))
    assert Notification.objects.get(pk=notes[0].pk).read_at is None


def test_open_goes_to_the_notification_link_only_on_this_site(client, cm_health):
    local = notify(recipients=[cm_health], kind="t", title="x", url="/clients/", email=False)[0]
    away = notify(
        recipients=[cm_health], kind="t", title="y", url="https://evil.example/", email=False
    )[0]
    signed_in(client, cm_health)
    response = client.post(reverse("web:notification_read", args=[local.pk]), {"open": local.url})
    assert response["Location"] == "/clients/"
    response = client.post(reverse("web:notification_read", args=[away.pk]), {"open": away.url})
    assert response["Location"] == reverse("web:notifications")
