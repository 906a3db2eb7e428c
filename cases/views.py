from django.utils.translation import gettext_lazy as _

from accounts.roles import can_see_full_id_number
from common.views import ObjectDetailView, ObjectListView

from . import selectors
from .filters import PersonFilterSet
from .models import Lead, Person
from .tables import PersonTable


class PersonListView(ObjectListView):
    queryset = Person.objects.all()
    filterset_class = PersonFilterSet
    table_class = PersonTable
    permission_required = "cases.view_person"
    title = _("People registry")
    export_title = _("People registry")


class PersonDetailView(ObjectDetailView):
    queryset = Person.objects.select_related("township", "village", "group", "household")
    permission_required = "cases.view_person"
    template_name = "cases/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context.update(
            show_full_id=can_see_full_id_number(self.request.user),
            members=selectors.household_members(user=self.request.user, person=person),
            history=person.history.select_related("history_user").order_by("-history_date")[:20],
        )
        return context


class LeadDetailView(ObjectDetailView):
    """The case page of a lead: who, what was reported (every source), status and actions."""

    queryset = Lead.objects.select_related("person", "township", "village", "discoverer", "merged_into")
    permission_required = "cases.view_lead"
    template_name = "cases/lead_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead = self.object
        context.update(
            sources=lead.sources.select_related("reported_by").prefetch_related("suspected_relief"),
            history=lead.history.select_related("history_user").order_by("-history_date")[:20],
        )
        return context
