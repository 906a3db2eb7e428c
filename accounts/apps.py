from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and regions")

    def menu(self) -> tuple:
        from .choices import Role
        from .navigation import MenuItem

        return (
            MenuItem(label=_("Home"), url_name="accounts:home", icon="house", order=0),
            MenuItem(label=_("Administration"), url_name="admin:index", icon="gear", order=900,
                     roles=frozenset({Role.ADMINISTRATOR})),
        )

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import navigation, roles, scoping
        from .middleware import session_refreshed_at_login
        from .models import Department, Region, User

        navigation.register(menu=self.menu())
        scoping.register(Region, region="", liaisons_see_district=True)
        scoping.register(Department, region="district", everyone_in_district=True)
        scoping.register(User, region="region")
        # After every app's migrate, so the last app's permissions are there too.
        post_migrate.connect(roles.sync_role_groups, dispatch_uid="accounts.sync_role_groups")
        user_logged_in.connect(session_refreshed_at_login, dispatch_uid="accounts.session_refreshed_at_login")
