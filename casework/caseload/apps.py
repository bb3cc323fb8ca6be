from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    name = "casework.caseload"
    label = "caseload"
    verbose_name = "Caseload: worklist, crisis events, care team, transfers, workload"
