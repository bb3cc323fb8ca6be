"""Pages of the caseload area (notes, tasks, appointments, worklist, crises), included by
casework/web/urls.py under the ``web`` namespace."""

from django.urls import URLPattern, URLResolver, path

from casework.web.views import casenotes

urlpatterns: list[URLPattern | URLResolver] = [
    path("clients/<int:pk>/notes/", casenotes.note_list, name="note_list"),
    path("clients/<int:pk>/notes/new/", casenotes.note_create, name="note_create"),
    path("notes/<int:pk>/", casenotes.note_detail, name="note_detail"),
    path("notes/<int:pk>/autosave/", casenotes.note_autosave, name="note_autosave"),
    path("notes/<int:pk>/addenda/", casenotes.note_addendum, name="note_addendum"),
    path("notes/<int:pk>/cosign/", casenotes.note_cosign, name="note_cosign"),
]
