"""Pages of the caseload area (notes, tasks, appointments, worklist, crises), included by
casework/web/urls.py under the ``web`` namespace."""

from django.urls import URLPattern, URLResolver, path

from casework.web.views import (
    appointments,
    attachments,
    billing,
    casenotes,
    crisis,
    tasks,
    worklist,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("today/", worklist.worklist, name="worklist"),
    path("team/caseloads/", worklist.team_caseloads, name="team_caseloads"),
    path("team/reassign/", worklist.team_reassign, name="team_reassign"),
    path("clients/<int:pk>/caseload/", crisis.client_caseload_panel, name="client_caseload_panel"),
    path("clients/<int:pk>/crisis/new/", crisis.crisis_report_view, name="crisis_report"),
    path("crises/<int:pk>/resolve/", crisis.crisis_resolve_view, name="crisis_resolve"),
    path("clients/<int:pk>/notes/", casenotes.note_list, name="note_list"),
    path("clients/<int:pk>/notes/new/", casenotes.note_create, name="note_create"),
    path("notes/<int:pk>/", casenotes.note_detail, name="note_detail"),
    path("notes/<int:pk>/autosave/", casenotes.note_autosave, name="note_autosave"),
    path("notes/<int:pk>/addenda/", casenotes.note_addendum, name="note_addendum"),
    path("notes/<int:pk>/cosign/", casenotes.note_cosign, name="note_cosign"),
    path("clients/<int:pk>/files/", attachments.client_attachments, name="client_attachments"),
    path("files/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path("billing/export/", billing.billing_export, name="billing_export"),
    path("clients/<int:pk>/summary/", billing.continuity_summary, name="continuity_summary"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/new/", tasks.task_create, name="task_create"),
    path("clients/<int:pk>/tasks/new/", tasks.client_task_create, name="client_task_create"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/complete/", tasks.task_complete, name="task_complete"),
    path(
        "clients/<int:pk>/appointments/new/",
        appointments.appointment_create,
        name="appointment_create",
    ),
    path("appointments/<int:pk>/", appointments.appointment_detail, name="appointment_detail"),
    path(
        "appointments/<int:pk>/attendance/",
        appointments.appointment_attendance,
        name="appointment_attendance",
    ),
    path("calendar/", appointments.calendar, name="calendar"),
    path("calendar/feed/", appointments.calendar_feed, name="calendar_feed"),
    path(
        "calendar/feed/<str:token>.ics",
        appointments.calendar_feed_ics,
        name="calendar_feed_ics",
    ),
]
