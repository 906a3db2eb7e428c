import django_tables2 as tables
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .tables import PHONE_HIDDEN, BaseTable


class AuditEventTable(BaseTable):
    at = tables.DateTimeColumn(verbose_name=_("time"), format="Y-m-d H:i:s")
    username = tables.Column(verbose_name=_("user"))
    role = tables.Column(verbose_name=_("role"), attrs=PHONE_HIDDEN)
    action = tables.Column(verbose_name=_("action"))
    object_type = tables.Column(verbose_name=_("object type"), attrs=PHONE_HIDDEN)
    object_repr = tables.Column(verbose_name=_("object"))
    detail = tables.Column(verbose_name=_("detail"), attrs={"td": {"class": "text-wrap small"}})
    ip_address = tables.Column(verbose_name=_("IP address"))
    path = tables.Column(verbose_name=_("path"), attrs=PHONE_HIDDEN)

    class Meta(BaseTable.Meta):
        model = AuditEvent
        fields = ("at", "username", "role", "action", "object_type", "object_id", "object_repr", "detail",
                  "ip_address", "path")
        order_by = ("-at",)

    def _role_label(self, value):
        from accounts.choices import Role

        return Role(value).label if value in Role.values else value

    def render_role(self, value):
        return self._role_label(value)

    def value_role(self, value):
        return str(self._role_label(value))

    def _type_label(self, value):
        try:
            return str(apps.get_model(value)._meta.verbose_name)
        except (LookupError, ValueError):
            return value

    def render_object_type(self, value):
        return self._type_label(value)

    def value_object_type(self, value):
        return self._type_label(value)

    def value_action(self, record):
        return record.get_action_display()

    def render_detail(self, value):
        from urllib.parse import unquote_plus

        return unquote_plus(value) if "%" in value else value

    def value_detail(self, value):
        return self.render_detail(value)
