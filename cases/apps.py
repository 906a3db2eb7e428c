from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Registry and cases")

    def menu(self) -> tuple:
        from accounts.navigation import MenuItem

        from accounts.roles import CASE_OFFICE as office
        group = _("Case work")  # one dropdown: the navigation bar has room for few entries
        return (
            MenuItem(label=_("Leads"), url_name="cases:lead_list", permission="cases.view_lead",
                     icon="card-list", order=30, group=group),
            MenuItem(label=_("People registry"), url_name="cases:person_list",
                     permission="cases.view_person", icon="people", order=50),
            MenuItem(label=_("Follow-ups due"), url_name="cases:follow_up_list",
                     permission="cases.view_followup", roles=office, icon="calendar-check", order=52, group=group),
            MenuItem(label=_("Outcomes"), url_name="cases:outcome_list",
                     permission="cases.view_outcome", roles=office, icon="clipboard-check", order=54, group=group),
            MenuItem(label=_("Spot checks"), url_name="cases:spot_check_list",
                     permission="cases.view_spotcheck", roles=office, icon="shuffle", order=56, group=group),
            MenuItem(label=_("Checks for missed reports (漏报)"), url_name="cases:unreported_check_list",
                     permission="cases.view_unreportedcheck", roles=office, icon="search-heart", order=57,
                     group=group),
            MenuItem(label=_("包村 / 包户"), url_name="cases:cadre_assignment_list",
                     permission="cases.view_cadreassignment", roles=office, icon="diagram-3", order=58, group=group),
        )

    def ready(self) -> None:
        from accounts import roles
        from accounts.choices import Role

        roles.grant("cases", {
            Role.VILLAGE_ASSISTANT: ["cases.view_*", "cases.add_person", "cases.change_person", "cases.add_household",
                                     "cases.add_lead", "cases.add_leadsource"],
            Role.TOWNSHIP_CASEWORKER: ["cases.view_*", "cases.add_*", "cases.change_*"],
            Role.TOWNSHIP_HEAD: ["cases.view_*", "cases.add_*", "cases.change_*"],
            Role.DISTRICT_STAFF: ["cases.view_*", "cases.add_*", "cases.change_*"],
            Role.DISTRICT_HEAD: ["cases.view_*", "cases.change_*"],
            Role.ADMINISTRATOR: ["cases.*"],
        })
        from accounts import navigation, scoping

        from .models import (
            DistrictSettings, FollowUp, Household, Investigation, Lead, LeadSource, Outcome, Person, SpotCheck,
        )

        navigation.register(menu=self.menu(), widgets=("cases.widgets.registry_summary", "cases.widgets.due_work"))
        scoping.register(Person, region="village", township="township", village="village")
        # Masked everywhere; shown whole only by the logged "show" action (common/reveal.py).
        from common import reveal

        reveal.register(Person, id_number=reveal.ID_NUMBER, phone=reveal.PHONE)
        reveal.register(LeadSource, reporter_phone=reveal.PHONE)
        scoping.register(Household, region="village", township="township", village="village")
        scoping.register(Lead, region="village", township="township", village="village")
        scoping.register(LeadSource, region="lead__village")
        scoping.register(Investigation, region="village", township="township", village="village")
        scoping.register(Outcome, region="village", township="township", village="village")
        scoping.register(FollowUp, region="village", township="township", village="village")
        scoping.register(SpotCheck, region="lead__village")
        from .models import CadreAssignment, ChangeOfMind

        scoping.register(ChangeOfMind, region="person__village")
        scoping.register(CadreAssignment, region="village")
        from .models import ApplicationHelp

        scoping.register(ApplicationHelp, region="lead__village")
        from .models import UnreportedCheck

        scoping.register(UnreportedCheck, region="person__village")
        scoping.register(DistrictSettings, region="district", everyone_in_district=True)
        from common import protect

        protect.keep(Person, Lead, Outcome)  # never hard-deleted (common/protect.py)

        from common.registry import Hook, ListPage, list_pages

        from . import obligations

        obligations.register()
        from . import filing

        filing.register()
        list_pages.register(ListPage("cases.Lead", "cases:lead_list"))
        list_pages.register(ListPage("cases.Outcome", "cases:outcome_list"))
        list_pages.register(ListPage("cases.FollowUp", "cases:follow_up_list"))
        from referrals.subjects import SubjectKind, subject_kinds

        # What a transfer form shows, fetches and searches of its lead (referrals names no field of Lead).
        subject_kinds.register(SubjectKind(
            code="lead", describe=Hook("cases.selectors.lead_as_transfer_subject"),
            related=("person", "township", "village"), search=("number__icontains", "person__name__startswith"),
            name="person__name", township="township", shown=("number",)))  # Lead.__str__

        from referrals.signals import transfer_form_settled

        transfer_form_settled.connect(_referral_settled, dispatch_uid="cases.referral_settled")


def _referral_settled(sender, form, how, **kwargs):
    from .services import outcome_referral_settle

    outcome_referral_settle(transfer_form=form, how=how)
