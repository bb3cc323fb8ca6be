from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "casework.assessments"
    label = "assessments"
    verbose_name = "Assessments: instruments, responses, scoring and risk flags"
