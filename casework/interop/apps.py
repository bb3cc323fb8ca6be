from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "casework.interop"
    label = "interop"
    verbose_name = "Interchange: FHIR R4 and HSDS 3.0"
