from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Lead intake")

    def ready(self) -> None:
        from accounts import roles
        from accounts.choices import Role

        roles.grant("intake", {
            Role.VILLAGE_ASSISTANT: ["intake.view_*", "intake.add_*", "intake.change_*"],
            Role.TOWNSHIP_CASEWORKER: ["intake.view_*", "intake.add_*", "intake.change_*"],
            Role.TOWNSHIP_HEAD: ["intake.view_*", "intake.add_*", "intake.change_*"],
            Role.DEPARTMENT_LIAISON: ["intake.view_*", "intake.add_*"],
            Role.DISTRICT_STAFF: ["intake.view_*", "intake.add_*", "intake.change_*"],
            Role.DISTRICT_HEAD: ["intake.view_*"],
            Role.ADMINISTRATOR: ["intake.*"],
        })
        from accounts import navigation, scoping
        from cases.demo import demo_hooks
        from common.registry import Hook

        navigation.register(menu=self.menu(), widgets=(
            "intake.widgets.report_lead", "intake.widgets_offline.offline_queue",
            "intake.widgets_roster.roster_visits_due", "intake.widgets_roster.roster_overdue_by_village",
            "intake.widgets_notices.villages_without_assistant", "intake.widgets_notices.campaign_progress"))
        # Called by cases' seed_demo after people and leads exist (a lower layer cannot import this one).
        demo_hooks.register(Hook("intake.demo.demo_roster"))
        demo_hooks.register(Hook("intake.demo.demo_assistants"))
        from cases.selectors import timeline_providers

        timeline_providers.register(Hook("intake.selectors.lead_timeline_visits"))

        from .models import PublicReport, RosterEntry, SevereWeatherPeriod, Visit

        scoping.register(RosterEntry, region="village", township="township", village="village")
        scoping.register(Visit, region="village", township="township", village="village")
        scoping.register(SevereWeatherPeriod, region="township")
        from .models_notices import AssistantAppointment, AssistantTraining

        scoping.register(AssistantAppointment, region="village")
        scoping.register(AssistantTraining, region="appointment__village")
        from .models_notices import CampaignTarget, ScreeningCampaign

        scoping.register(ScreeningCampaign, region="area", everyone_in_district=True)
        scoping.register(CampaignTarget, region="village")
        from . import campaigns

        campaigns.register()
        # A report may name no village yet: the township decides.
        scoping.register(PublicReport, region="township")
        # The phone offline (issue 19): what each phone sent, and the photos of visits.
        from .models_offline import OfflineSubmission, VisitPhoto

        scoping.register(OfflineSubmission, region="village")
        scoping.register(VisitPhoto, region="visit__village")
        from common import reveal

        reveal.register(PublicReport, subject_id_number=reveal.ID_NUMBER, reporter_phone=reveal.PHONE)
        # Department feeds (intake/feeds): district reference data, each department sees its own.
        from .models import (
            Feed, FeedBatch, FeedDeadline, FeedRejectedRow, FeedRow, FeedToken, WarningRule,
        )

        scoping.register(Feed, region="district", department="department")
        scoping.register(WarningRule, region="feed__district", department="feed__department")
        scoping.register(FeedBatch, region="district", department="department")
        scoping.register(FeedRow, region="region", department="batch__department")
        scoping.register(FeedRejectedRow, region="batch__district", department="batch__department")
        scoping.register(FeedDeadline, region="feed__district", department="feed__department")
        scoping.register(FeedToken, region="department__district", department="department")
        from common.registry import ListPage, api_authentication, list_pages

        from . import obligations

        obligations.register()
        list_pages.register(ListPage("cases.Lead", "intake:lead_list"))
        # How a department system proves who it is on the API (its department's token): referrals' transfer-form
        # API takes it from here without naming this app.
        api_authentication.register(Hook("intake.feeds.api.FeedTokenAuthentication"), code="department")
        from .feeds import admin as _feeds_admin  # noqa: F401  (the feeds' admin pages)
        from .feeds import tasks as _feeds_tasks  # noqa: F401  (Celery discovers intake.tasks only)

    def menu(self) -> tuple:
        from accounts.choices import Role
        from accounts.navigation import MenuItem

        from accounts.roles import TOWNSHIP_OFFICE as township_office
        return (
            MenuItem(label=_("Log a lead"), url_name="intake:lead_create", permission="cases.add_lead",
                     icon="plus-circle", order=10),
            MenuItem(label=_("Inbox"), url_name="intake:inbox", roles=township_office, icon="inbox", order=20,
                     badge_url_name="intake:inbox_count"),
            MenuItem(label=_("Leads"), url_name="intake:lead_list", permission="cases.view_lead",
                     icon="card-list", order=30, group=_("Case work")),
            MenuItem(label=_("Key roster"), url_name="intake:roster_list", permission="intake.view_rosterentry",
                     roles=frozenset({Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD,
                                      Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR}),
                     icon="person-check", order=40),
            MenuItem(label=_("Village assistants (协理员)"), url_name="intake:assistant_coverage",
                     permission="intake.view_assistantappointment",
                     roles=frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF,
                                      Role.DISTRICT_HEAD, Role.ADMINISTRATOR}),
                     icon="person-badge", order=45, group=_("Case work")),
            MenuItem(label=_("Concentrated screening (集中排查)"), url_name="intake:campaign_list",
                     permission="intake.view_screeningcampaign",
                     roles=frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF,
                                      Role.DISTRICT_HEAD, Role.ADMINISTRATOR}),
                     icon="megaphone", order=46, group=_("Case work")),
            MenuItem(label=_("Department data"), url_name="intake:feed_index", permission="intake.view_feedbatch",
                     roles=frozenset({Role.DEPARTMENT_LIAISON, Role.DISTRICT_STAFF, Role.DISTRICT_HEAD,
                                      Role.ADMINISTRATOR}), icon="database-up", order=50),
        )
