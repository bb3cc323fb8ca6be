from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "casework.notifications"
    label = "notifications"
    verbose_name = "Notifications"
