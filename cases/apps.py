from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Registry and cases")
    home_widgets = ("cases.widgets.registry_summary",)

    @property
    def menu_items(self):
        from accounts.navigation import MenuItem

        return (MenuItem(label=_("People registry"), url_name="cases:person_list",
                         permission="cases.view_person", icon="people", order=50),)

    def ready(self) -> None:
        from accounts import scoping

        from .models import Household, Lead, LeadSource, Person

        scoping.register(Person, region="village")
        scoping.register(Household, region="village")
        scoping.register(Lead, region="village")
        scoping.register(LeadSource, region="lead__village")
