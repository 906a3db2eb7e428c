"""Filters of the audit log: who, what action, what kind of record, when, from where."""
from __future__ import annotations

from pathlib import Path

import django_filters
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

from .filters import BaseFilterSet
from .models import AuditAction, AuditEvent


def audited_apps() -> set[str]:
    """The product's own apps (those inside the project directory), never named here (DESIGN §13)."""
    base = Path(settings.BASE_DIR).resolve()
    return {config.label for config in apps.get_app_configs()
            if Path(config.path).resolve().is_relative_to(base) and "site-packages" not in config.path}


def object_type_choices():
    """The kinds of record, by their Chinese names: history tables and many-to-many links are not offered."""
    from django.utils.functional import Promise

    # A model named only by Django's default (its class name, not a translated verbose_name) is internal:
    # many-to-many links, simple_history's Historical… tables, counters.
    audited = audited_apps()
    models = [m for m in apps.get_models() if m._meta.app_label in audited and not m._meta.auto_created
              and not hasattr(m, "instance_type") and isinstance(m._meta.verbose_name, Promise)]
    return sorted(((m._meta.label, str(m._meta.verbose_name)) for m in models), key=lambda c: c[1])


class AuditEventFilterSet(BaseFilterSet):
    user = django_filters.CharFilter(label=_("User"), method="filter_user")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)
    object_type = django_filters.ChoiceFilter(label=_("Object type"), choices=object_type_choices)
    object_id = django_filters.CharFilter(label=_("Object ID"))
    q = django_filters.CharFilter(label=_("Object or detail contains"), method="filter_q")
    date_from = django_filters.DateFilter(label=_("Date from"), field_name="at", lookup_expr="date__gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("Date to"), field_name="at", lookup_expr="date__lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))
    ip_address = django_filters.CharFilter(label=_("IP address"), method="filter_ip")

    class Meta:
        model = AuditEvent
        fields = ["user", "action", "role", "object_type", "object_id", "q", "date_from", "date_to", "ip_address"]

    def filter_user(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(username__istartswith=value) if value else queryset

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        return queryset.filter(Q(object_repr__icontains=value) | Q(detail__icontains=value)) if value else queryset

    def filter_ip(self, queryset, name, value):
        """A whole address, or its beginning (``10.3.`` for a subnet); PostgreSQL compares HOST(ip)."""
        value = value.strip()
        return queryset.filter(ip_address__startswith=value) if value else queryset
