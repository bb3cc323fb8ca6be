from django.apps import AppConfig


class CasenotesConfig(AppConfig):
    name = "casework.casenotes"
    label = "casenotes"
    verbose_name = "Case notes: templates, signing, addenda, attachments, billable units"
