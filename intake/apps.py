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
        from cases.selectors import timeline_providers
        from common import reveal
        from common.registry import Hook, api_authentication
        from intake import models
        from intake.feeds import obligations as feed_obligations
        from intake.roster import obligations as roster_obligations
        from intake.screenings import obligations as screening_obligations

        # One part after the other (docs/ARCHITECTURE.md, "intake"): each registers its home widgets, scoping,
        # reveal rules and dated duties here, the one place intake talks to the registries of the floors below.
        navigation.register(menu=self.menu(), widgets=(
            "intake.leads.widgets.report_lead", "intake.offline.widgets.offline_queue",
            "intake.roster.widgets.roster_visits_due", "intake.roster.widgets.roster_overdue_by_village",
            "intake.assistants.widgets.villages_without_assistant", "intake.screenings.widgets.campaign_progress"))
        # Called by cases' seed_demo after people and leads exist (a lower layer cannot import this one).
        demo_hooks.register(Hook("intake.demo.demo_roster"))
        demo_hooks.register(Hook("intake.demo.demo_assistants"))

        # roster: entries, visits, severe-weather periods; visits show on a lead's timeline.
        scoping.register(models.RosterEntry, region="village", township="township", village="village")
        scoping.register(models.Visit, region="village", township="township", village="village")
        scoping.register(models.SevereWeatherPeriod, region="township")
        timeline_providers.register(Hook("intake.roster.selectors.lead_timeline_visits"))
        roster_obligations.register()
        # assistants (协理员) and screenings (集中排查).
        scoping.register(models.AssistantAppointment, region="village")
        scoping.register(models.AssistantTraining, region="appointment__village")
        scoping.register(models.ScreeningCampaign, region="area", everyone_in_district=True)
        scoping.register(models.CampaignTarget, region="village")
        screening_obligations.register()
        # public reports: a report may name no village yet (the township decides).
        scoping.register(models.PublicReport, region="township")
        reveal.register(models.PublicReport, subject_id_number=reveal.ID_NUMBER, reporter_phone=reveal.PHONE)
        # offline: what each phone sent, and the photos of visits.
        scoping.register(models.OfflineSubmission, region="village")
        scoping.register(models.VisitPhoto, region="visit__village")
        # feeds: district reference data, each department sees its own.
        scoping.register(models.Feed, region="district", department="department")
        scoping.register(models.WarningRule, region="feed__district", department="feed__department")
        scoping.register(models.FeedBatch, region="district", department="department")
        scoping.register(models.FeedRow, region="region", department="batch__department")
        scoping.register(models.FeedRejectedRow, region="batch__district", department="batch__department")
        scoping.register(models.FeedDeadline, region="feed__district", department="feed__department")
        scoping.register(models.FeedToken, region="department__district", department="department")
        feed_obligations.register()
        # How a department system proves who it is on the API (its department's token): referrals' transfer-form
        # API takes it from here without naming this app.
        api_authentication.register(Hook("intake.feeds.api.FeedTokenAuthentication"), code="department")
        from intake.feeds import admin as _feeds_admin  # noqa: F401  (the feeds' admin pages)
        from intake.feeds import tasks as _feeds_tasks  # noqa: F401  (Celery discovers intake.tasks only)

    def menu(self) -> tuple:
        from accounts.choices import Role
        from accounts.navigation import MenuItem
        from accounts.roles import TOWNSHIP_OFFICE as township_office
        return (
            MenuItem(label=_("Log a lead"), url_name="intake:lead_create", permission="cases.add_lead",
                     icon="plus-circle", order=10),
            MenuItem(label=_("Inbox"), url_name="intake:inbox", roles=township_office, icon="inbox", order=20,
                     badge_url_name="intake:inbox_count"),
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
