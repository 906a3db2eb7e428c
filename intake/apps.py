from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Lead intake")

    def ready(self) -> None:
        from accounts import scoping

        from .models import PublicReport, RosterEntry, SevereWeatherPeriod, Visit

        scoping.register(RosterEntry, region="village")
        scoping.register(Visit, region="village")
        scoping.register(SevereWeatherPeriod, region="township")
        # A report may name no village yet: the township decides.
        scoping.register(PublicReport, region="township")

    @property
    def menu_items(self):
        from accounts.choices import Role
        from accounts.navigation import MenuItem

        township_office = frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF})
        return (
            MenuItem(label=_("Log a lead"), url_name="intake:lead_create", permission="cases.add_lead",
                     icon="plus-circle", order=10),
            MenuItem(label=_("Inbox"), url_name="intake:inbox", roles=township_office, icon="inbox", order=20),
            MenuItem(label=_("Leads"), url_name="intake:lead_list", permission="cases.view_lead",
                     icon="card-list", order=30),
            MenuItem(label=_("Key roster"), url_name="intake:roster_list", permission="intake.view_rosterentry",
                     icon="person-check", order=40),
        )
