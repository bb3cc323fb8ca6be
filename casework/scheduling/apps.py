from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "casework.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling: tasks, reminders, appointments, calendar feeds"
