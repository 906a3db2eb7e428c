import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import TOWNSHIP_ROLES, RegionLevel, Role
from accounts.models import Department, Region
from common.filters import BaseFilterSet, DueFilter

from . import subjects
from .choices import AWAITING_ANSWER, OPEN_TRANSFER_STATUSES, NotificationKind, ReminderLevel, TransferStatus
from .deadlines import due_soon_cutoff
from .models import Notification, Reminder, TransferForm, TransferKind

DEADLINE_CHOICES = (
    ("overdue", _("Overdue")),
    ("due_soon", _("Due soon")),
    ("open", _("Not closed")),
)
DIRECTION_CHOICES = (
    ("received", _("Addressed to my office")),
    ("issued", _("Issued by my office")),
)


class TransferFormFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Number or name"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TransferStatus.choices)
    deadline = django_filters.ChoiceFilter(label=_("Deadline"), choices=DEADLINE_CHOICES, method="filter_deadline")
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=DIRECTION_CHOICES,
                                            method="filter_direction")
    to_region = django_filters.ModelChoiceFilter(
        label=_("To township"), queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    to_department = django_filters.ModelChoiceFilter(label=_("To department"), queryset=Department.objects.all())
    kind = django_filters.ModelChoiceFilter(label=_("Kind"), queryset=TransferKind.objects.all())
    chase_level = django_filters.ChoiceFilter(label=_("Chased"), choices=ReminderLevel.choices)
    due = DueFilter(label=_("Answer due"))
    issued_from = django_filters.DateFilter(label=_("Issued from"), field_name="issued_at", lookup_expr="date__gte",
                                            widget=forms.DateInput(attrs={"type": "date"}))
    issued_to = django_filters.DateFilter(label=_("Issued until"), field_name="issued_at", lookup_expr="date__lte",
                                          widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = TransferForm
        fields = ["q", "status", "deadline", "direction", "to_region", "to_department", "kind", "chase_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.role == Role.DEPARTMENT_LIAISON:
            for name in ("direction", "to_region", "to_department"):
                self.filters.pop(name, None)
                self.form.fields.pop(name, None)
        elif user is not None and user.role in TOWNSHIP_ROLES:
            self.filters.pop("to_region", None)
            self.form.fields.pop("to_region", None)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | subjects.search_q(value))

    def filter_deadline(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(status__in=AWAITING_ANSWER, due_on__lt=today)
        if value == "due_soon":
            return queryset.filter(status__in=AWAITING_ANSWER, due_on__gte=today, due_on__lte=due_soon_cutoff(today))
        if value == "open":
            return queryset.filter(status__in=OPEN_TRANSFER_STATUSES)
        return queryset

    def filter_direction(self, queryset, name, value):
        user = self.request.user
        if value == "issued":
            return queryset.filter(from_region_id=user.region_id)
        if value == "received":
            if user.role == Role.DEPARTMENT_LIAISON:
                return queryset.filter(to_department_id=user.department_id)
            return queryset.filter(to_region_id=user.region_id)
        return queryset


class ReminderFilterSet(BaseFilterSet):
    level = django_filters.ChoiceFilter(label=_("Step"), choices=ReminderLevel.choices)
    region = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=Department.objects.all())
    sent_from = django_filters.DateFilter(label=_("Sent from"), field_name="sent_on", lookup_expr="gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    sent_to = django_filters.DateFilter(label=_("Sent until"), field_name="sent_on", lookup_expr="lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Reminder
        fields = ["level", "region", "department"]


class NotificationFilterSet(BaseFilterSet):
    state = django_filters.ChoiceFilter(label=_("Read or unread"), method="filter_state",
                                        choices=(("unread", _("Unread")), ("read", _("Read"))))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields = ["state", "kind"]

    def filter_state(self, queryset, name, value):
        if value == "unread":
            return queryset.filter(read_at__isnull=True)
        if value == "read":
            return queryset.filter(read_at__isnull=False)
        return queryset
