from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Transfer forms and deadlines")

    def ready(self) -> None:
        from accounts import scoping

        from .models import Notification

        # A notification belongs to its recipient's region (the inbox view filters by recipient too).
        scoping.register(Notification, region="recipient__region")
