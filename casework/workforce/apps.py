from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_rules(sender: Any, **kwargs: Any) -> None:
    """Keep the stored rules in step with the data files after every migrate."""
    from casework.workforce.rules import load_rules

    load_rules()


class WorkforceConfig(AppConfig):
    name = "casework.workforce"
    label = "workforce"
    verbose_name = "Workforce and credentials"

    def ready(self) -> None:
        from casework.accounts.policies import register_assignment_check
        from casework.workforce.policy import credential_check

        register_assignment_check(credential_check)
        post_migrate.connect(_load_rules, sender=self, dispatch_uid="workforce-load-rules")
