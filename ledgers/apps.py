from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Ledgers and reports")

    home_widgets = ("ledgers.dashboard.views.home_widget",)
    demo_hooks = ("ledgers.demo.demo_monthly_reports",)

    @property
    def menu_items(self):
        from accounts.navigation import MenuItem

        from .dashboard.selectors import DASHBOARD_ROLES

        return (
            MenuItem(label=_("Dashboard"), url_name="ledgers:dashboard", roles=DASHBOARD_ROLES,
                     icon="bar-chart-line", order=69, group=_("Reports")),
        ) + self.ledger_menu_items() + self.monthly_menu_items()

    def ledger_menu_items(self) -> tuple:
        """The ledgers (台账): ledgers.views. "My exports" joins the group from common."""
        from accounts.navigation import MenuItem

        group = _("Ledgers")
        return (
            MenuItem(label=_("All ledgers"), url_name="ledgers:index", permission="cases.view_lead",
                     icon="journal-text", order=75, group=group),
            MenuItem(label=_("Ledger of newly assisted people"), url_name="ledgers:newly_assisted",
                     permission="cases.view_outcome", icon="person-plus", order=76, group=group),
            MenuItem(label=_("Ledger of people under relief observation"), url_name="ledgers:observation",
                     permission="cases.view_outcome", icon="eye", order=77, group=group),
            MenuItem(label=_("Ledger of people in urgent hardship"), url_name="ledgers:urgent",
                     permission="cases.view_lead", icon="exclamation-octagon", order=78, group=group),
        )

    def monthly_menu_items(self) -> tuple:
        """The monthly report (月报) and the assessment (考核): ledgers.monthly, ledgers.assessment."""
        from accounts.choices import Role
        from accounts.navigation import MenuItem

        township_and_district = frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF,
                                           Role.DISTRICT_HEAD, Role.ADMINISTRATOR})
        district = frozenset({Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR})
        group = _("Reports")
        return (
            MenuItem(label=_("Monthly reports"), url_name="ledgers:monthly_list",
                     permission="ledgers.view_monthlyreport", roles=township_and_district, icon="calendar3",
                     order=70, group=group),
            MenuItem(label=_("Monthly reports of all townships"), url_name="ledgers:monthly_district",
                     permission="ledgers.view_monthlyreport", roles=district, icon="grid-3x3", order=72,
                     group=group),
            MenuItem(label=_("Assessment"), url_name="ledgers:assessment",
                     permission="ledgers.view_monthlyreport", roles=township_and_district, icon="award",
                     order=74, group=group),
        )

    def ready(self) -> None:
        from accounts import scoping
        from common.registry import ListPage, list_pages

        from . import deadlines
        from .models import AssessmentWeights, MonthlyReport

        # A township's report belongs to the township: district roles see all, township roles their own,
        # village assistants and department liaisons none (docs/DECISIONS.md).
        scoping.register(MonthlyReport, region="township")
        scoping.register(AssessmentWeights, region="district")
        deadlines.register()
        list_pages.register(ListPage("intake.FeedDeadline", "ledgers:feed_deadline_list"))
