from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_instruments(sender: Any, **kwargs: Any) -> None:
    """Keep the published instruments in step with the data files after every migrate."""
    from casework.assessments.library import load_instruments

    load_instruments()


class AssessmentsConfig(AppConfig):
    name = "casework.assessments"
    label = "assessments"
    verbose_name = "Assessments: instruments, responses, scoring and risk flags"

    def ready(self) -> None:
        post_migrate.connect(
            _load_instruments, sender=self, dispatch_uid="assessments-load-instruments"
        )
