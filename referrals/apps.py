from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _answered_on(pks: list) -> dict:
    from django.db.models.functions import TruncDate

    from .models import TransferForm

    return dict(TransferForm.objects.filter(pk__in=pks).annotate(day=TruncDate("answered_at"))
                .values_list("pk", "day"))


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Transfer forms and deadlines")

    def menu(self) -> tuple:
        from accounts.choices import Role
        from accounts.navigation import MenuItem

        district = frozenset({Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR})
        return (
            # One dropdown; notifications are the bell badge (referrals.badges), not a menu entry.
            MenuItem(label=_("Transfer forms"), url_name="referrals:transferform_list",
                     permission="referrals.view_transferform", icon="send", order=60, group=_("Transfers")),
            MenuItem(label=_("Transfer tracking"), url_name="referrals:transferform_tracking",
                     permission="referrals.view_transferform", roles=district, icon="clipboard-data", order=61,
                     group=_("Transfers")),
            MenuItem(label=_("Escalations"), url_name="referrals:escalation_list",
                     permission="referrals.view_reminder", roles=district, icon="exclamation-triangle", order=62,
                     group=_("Transfers")),
        )

    def ready(self) -> None:
        from accounts import roles
        from accounts.choices import Role

        roles.grant("referrals", {
            Role.TOWNSHIP_CASEWORKER: ["referrals.view_*", "referrals.add_*", "referrals.change_*"],
            Role.TOWNSHIP_HEAD: ["referrals.view_*", "referrals.add_*", "referrals.change_*"],
            Role.DEPARTMENT_LIAISON: ["referrals.view_*", "referrals.change_*"],
            Role.DISTRICT_STAFF: ["referrals.view_*", "referrals.add_*", "referrals.change_*"],
            Role.DISTRICT_HEAD: ["referrals.view_*", "referrals.change_*"],
            Role.ADMINISTRATOR: ["referrals.*"],
        })
        from accounts import navigation, scoping

        from .models import Notification, Reminder, TransferAttachment, TransferForm

        # A notification belongs to its recipient's region (the inbox filters by recipient too); a
        # liaison's notifications are found through the recipient's department.
        navigation.register(
            menu=self.menu(), badges=("referrals.badges.unread_notifications",),
            widgets=("referrals.widgets.todays_work", "referrals.widgets.calendar_warning",
                     "referrals.widgets.transfer_forms_summary"))
        scoping.register(Notification, region="recipient__region", department="recipient__department")
        # A transfer form is scoped by its township side (addressed to or issued by a township), else the
        # district; liaisons see the forms addressed to their department (docs/DECISIONS.md, Referrals).
        # ``scope_region`` is never below a township (services.issue_transfer_form, migration 0006), so a
        # township's forms are ``scope_region_id = township`` (DECISIONS 1400).
        scoping.register(TransferForm, region="scope_region", department="to_department", township="scope_region")
        scoping.register(TransferAttachment, region="form__scope_region", department="form__to_department",
                         township="form__scope_region")
        scoping.register(Reminder, region="region", department="department")
        from common import protect

        protect.keep(TransferForm)  # never hard-deleted (common/protect.py)
        from .models import Obligation

        scoping.register(Obligation, region="region", department="department")

        from django.db.models.signals import post_migrate

        from django.db.models.signals import post_save

        from .obligations import record_open, rules_ensure

        self.register_obligations()
        post_migrate.connect(rules_ensure, sender=self, dispatch_uid="referrals.rules_ensure")
        post_save.connect(record_open, dispatch_uid="referrals.obligations.record_open")

    def register_obligations(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from .choices import AWAITING_ANSWER
        from .models import TransferForm
        from .obligations import ObligationKind, obligation_kinds
        from .services import transfer_form_duties

        obligation_kinds.register(ObligationKind(
            code="transfer_form", order=60, label=_("Transfer forms answered"),
            source=_("Seed 003: 线索转办单…5个工作日内反馈调查处理情况; seed 001: overdue transfers are reminded, "
                     "then reminded in writing, then reported to the district."),
            default_limit=5,
            limit_help=_("Working days after the form is issued; each kind of form has its own limit (admin: kinds "
                         "of transfer form), this number is not used."),
            duties=transfer_form_duties,
            open_items=lambda: TransferForm.objects.filter(status__in=AWAITING_ANSWER),
            township_field="to_region", list_url="referrals:transferform_list", region_field="scope_region",
            department_field="to_department", met_on=_answered_on))
