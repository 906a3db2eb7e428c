from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("Audit and shared pieces")

    def ready(self) -> None:
        from accounts import roles
        from accounts.choices import Role

        # The audit log: the district centre, its head and the administrators.
        roles.grant("common", {role: ["common.view_auditevent"]
                               for role in (Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR)})
        from accounts import navigation, scoping

        from .models import ExportJob

        # A background export is scoped by its owner's region (and its pages show only the owner's own).
        scoping.register(ExportJob, region="owner__region")
        navigation.register(menu=self.menu())

        # Logins and failed logins are in the audit log (操作 = 登录).
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        user_logged_in.connect(_logged_in, dispatch_uid="common.audit_logged_in")
        user_login_failed.connect(_login_failed, dispatch_uid="common.audit_login_failed")

        # Every date a form takes is plausible (1900–2100): no 0001-01-01 from a slipped keyboard or a script.
        # Django's DateField has no validators of its own; this covers model forms, filters and the admin too.
        from django import forms

        from .validators import validate_plausible_date

        forms.DateField.default_validators = [validate_plausible_date]

        # get_FOO_display() with each field's choices kept (docs/DECISIONS.md 901).
        from . import display

        display.install()

    def menu(self) -> tuple:
        from accounts.choices import Role
        from accounts.navigation import MenuItem

        return (
            MenuItem(label=_("My exports"), url_name="exports:job_list", icon="cloud-download", order=79,
                     group=_("Ledgers")),
            MenuItem(label=_("Audit log"), url_name="common:audit_log", permission="common.view_auditevent",
                     roles=frozenset({Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR}),
                     icon="shield-check", order=95, group=_("Reports")),
        )


def _logged_in(sender, request, user, **kwargs):
    from .audit import audit_login

    audit_login(request=request, user=user, ok=True)


def _login_failed(sender, credentials, request=None, **kwargs):
    from .audit import audit_login

    audit_login(request=request, username=str(credentials.get("username", "")), ok=False)
