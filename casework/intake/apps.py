from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "casework.intake"
    label = "intake"
    verbose_name = "Intake and eligibility"
