from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CasenotesConfig(AppConfig):
    name = "casework.casenotes"
    label = "casenotes"
    verbose_name = "Case notes: templates, signing, addenda, attachments, billable units"

    def ready(self) -> None:
        from casework.casenotes.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="casenotes-fts")
