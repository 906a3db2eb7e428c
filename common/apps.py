from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("Audit and shared pieces")

    def ready(self) -> None:
        from accounts import scoping

        from .models import ExportJob

        # A background export is scoped by its owner's region (and its pages show only the owner's own).
        scoping.register(ExportJob, region="owner__region")

        # People, leads, outcomes and transfer forms are never hard-deleted (common/protect.py).
        from . import protect

        protect.connect()

    @property
    def menu_items(self):
        from accounts.choices import Role
        from accounts.navigation import MenuItem

        return (
            MenuItem(label=_("My exports"), url_name="exports:job_list", icon="cloud-download", order=79,
                     group=_("Ledgers")),
            MenuItem(label=_("Audit log"), url_name="common:audit_log", permission="common.view_auditevent",
                     roles=frozenset({Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR}),
                     icon="shield-check", order=95, group=_("Reports")),
        )
