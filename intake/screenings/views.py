"""Pages of concentrated screenings (集中排查, seed 000; issue 17 rule 6)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope
from cases.models import Person
from common import resident_id
from common.audit import AuditAction, audit_record
from common.views import ObjectListView
from intake.roster.services import RosterError
from intake.screenings import selectors as campaigns_selectors
from intake.screenings import services as campaigns
from intake.screenings.filters import CampaignTargetFilterSet
from intake.screenings.forms import CampaignForm, CampaignVisitForm, FlagForm
from intake.screenings.models import CampaignTarget, ScreeningCampaign
from intake.screenings.tables import CampaignTargetTable


@login_required
@permission_required("intake.view_screeningcampaign", raise_exception=True)
def campaign_list(request):
    """集中排查: the district declares; everyone sees the current screenings and the progress per village."""
    user = request.user
    can_declare = user.role in campaigns.DECLARERS or user.is_superuser
    form = CampaignForm(request.POST or None, user=user) if can_declare else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            campaign = campaigns.campaign_declare(user=user, **form.cleaned_data)
        except RosterError as exc:
            messages.error(request, str(exc))
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Concentrated screening declared: %(count)s people to visit.") % {
                "count": campaign.targets.count()})
            return redirect("intake:campaign_list")
    return render(request, "intake/campaigns/list.html", {
        "form": form, "campaigns": list(scope(user, ScreeningCampaign.objects.select_related("area"))[:50]),
        "progress": campaigns_selectors.campaign_progress(user=user), "today": timezone.localdate(),
    })


class CampaignDetailView(ObjectListView):
    """One 集中排查: progress per village, the people to visit; the township flags households for it."""

    queryset = CampaignTarget.objects.select_related("person", "village", "township")
    filterset_class = CampaignTargetFilterSet
    table_class = CampaignTargetTable
    permission_required = "intake.view_campaigntarget"
    template_name = "intake/campaigns/detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.campaign = scope(request.user, ScreeningCampaign.objects.select_related("area")) \
                .filter(pk=kwargs["pk"]).first()
            if self.campaign is None:
                raise Http404
            self.title = _("Concentrated screening: %(reason)s") % {"reason": self.campaign.reason}
            self.export_title = self.title
            if request.GET.get("export") == "xlsx":  # the title names the sheet: the reason may hold "/" or ":"
                self.title = _("Concentrated screening (集中排查)")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(campaign=self.campaign)

    def post(self, request, *args, **kwargs):
        """Flag a household of the area (found by a member's ID number, in the user's scope)."""
        form = FlagForm(request.POST)
        person = None
        if form.is_valid():
            try:
                number = resident_id.parse(form.cleaned_data["id_number"]).number
            except resident_id.ResidentIDError as exc:
                messages.error(request, str(exc))
                return redirect("intake:campaign_detail", pk=self.campaign.pk)
            person = scope(request.user, Person.objects.select_related("household")).filter(id_number=number).first()
        if person is None or person.household is None:
            messages.error(request, _("No household with this ID number in your area."))
            return redirect("intake:campaign_detail", pk=self.campaign.pk)
        try:
            target = campaigns.campaign_flag_household(user=request.user, campaign=self.campaign,
                                                       household=person.household)
        except RosterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s's household is to be visited in this screening.") % {
                "name": target.person.name})
        return redirect("intake:campaign_detail", pk=self.campaign.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = campaigns_selectors.campaign_progress(user=user, campaign=self.campaign)
        context.update(
            campaign=self.campaign, progress=rows, today=timezone.localdate(),
            targets=sum(r["targets"] for r in rows), visited=sum(r["visited"] for r in rows),
            can_flag=(user.role in campaigns.FLAGGERS or user.is_superuser)
            and self.campaign.ends_on >= timezone.localdate(),
            flag_form=FlagForm(),
        )
        return context


@login_required
@permission_required("intake.add_visit", raise_exception=True)
def campaign_target_visit(request, pk):
    """The visit to a household flagged for a screening (roster people are visited from the roster)."""
    target = scope(request.user, CampaignTarget.objects.select_related("person", "village", "campaign")) \
        .filter(pk=pk).first()
    if target is None:
        raise Http404
    form = CampaignVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.campaign_visit_log(user=request.user, target=target, **form.cleaned_data)
        except RosterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("intake:campaign_detail", pk=target.campaign_id)
    audit_record(request=request, action=AuditAction.DETAIL, obj=target.person)
    return render(request, "intake/campaigns/visit.html", {"target": target, "form": form})
