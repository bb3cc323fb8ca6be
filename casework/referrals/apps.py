from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "casework.referrals"
    label = "referrals"
    verbose_name = "Closed-loop referrals: lifecycle, partner inbox, status history, clocks"
