from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "casework.workforce"
    label = "workforce"
    verbose_name = "Workforce and credentials"
