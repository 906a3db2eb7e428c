"""The dated duty of concentrated screenings: every target visited by the period's last day."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intake.screenings.models import CampaignTarget
from referrals.obligations import Duty, ObligationKind, obligation_kinds
from referrals.services import district_centre, township_office


# --- the obligation: every target visited by the period's last day -------------------------------
def campaign_visit_duties(*, today, calendar, rule):
    offices: dict[int, list] = {}
    targets = (CampaignTarget.objects.filter(visited_on__isnull=True, due_on__lt=today)
               .select_related("person", "village", "township", "campaign").order_by("due_on", "pk"))
    for target in targets.iterator(chunk_size=500):
        township = target.township
        if township.pk not in offices:
            offices[township.pk] = list(township_office(township=township))
        yield Duty(
            subject=target, due_on=target.due_on, region=target.village, recipient_name=township.name,
            recipients=offices[township.pk], escalate_to=list(district_centre(district_code=township.code[:6])),
            url=reverse("intake:campaign_list"),
            title=_("Concentrated screening (%(reason)s): %(name)s, %(village)s not visited") % {
                "reason": target.campaign.reason, "name": target.person.name, "village": target.village.name},
            body=_("Seed 000: 在辖区发生疫情灾情等突发事件期间开展集中排查. Visit by %(due)s.") % {
                "due": f"{target.due_on:%Y-%m-%d}"})


def campaign_visited_on(pks):
    return dict(CampaignTarget.objects.filter(pk__in=pks).values_list("pk", "visited_on"))


def register() -> None:
    obligation_kinds.register(ObligationKind(
        code="campaign_visit", order=46, label=gettext_lazy("Concentrated screening visits (集中排查)"),
        source=gettext_lazy("Seed 000: 在辖区发生疫情灾情等突发事件期间开展集中排查"), default_limit=0,
        limit_help=gettext_lazy("Each screening's period sets the due date (its last day); this number is not used."),
        duties=campaign_visit_duties, open_items=lambda: CampaignTarget.objects.filter(visited_on__isnull=True),
        region_field="village", met_on=campaign_visited_on, due_field="due_on", township_field="township",
        list_url="intake:campaign_list"))
