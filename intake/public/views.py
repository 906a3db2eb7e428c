"""Pages of the public report: the citizen's form (no login, captcha, rate-limited per IP), and the
township's list, detail (accept / reject) and printable QR-code poster."""
from __future__ import annotations

import django_tables2 as tables
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_ratelimit.core import _split_rate
from django_ratelimit.decorators import ratelimit

from accounts.choices import DISTRICT_ROLES, TOWNSHIP_ROLES, RegionLevel
from accounts.models import Region
from accounts.roles import require_role
from accounts.scoping import scope
from common import resident_id
from common.audit import AuditAction, audit_record, client_ip
from common.tables import PHONE_HIDDEN, BaseTable, MaskedIDColumn
from common.views import ObjectDetailView, ObjectListView
from intake.choices import PublicReportStatus
from intake.models import PublicReport
from intake.public.filters import PublicReportFilterSet
from intake.public.forms import PublicReportAcceptForm, PublicReportForm, PublicReportRejectForm
from intake.public.selectors import person_candidates, township_for_code, township_villages
from intake.public.services import (
    HANDLER_ROLES,
    PublicReportError,
    can_handle,
    public_report_accept,
    public_report_reject,
    public_report_submit,
)

# Who may read the township's public reports (handling is for public.HANDLER_ROLES).
VIEW_ROLES = TOWNSHIP_ROLES | DISTRICT_ROLES
THANKS_SALT = "intake.public_report.thanks"


# --- the public side (no login) -------------------------------------------------------------------
def public_choose(request):
    """Choose the township (the village is chosen on its form)."""
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP).select_related("parent").order_by("code")
    districts: dict[Region, list[Region]] = {}
    for township in townships:
        districts.setdefault(township.parent, []).append(township)
    return render(request, "intake/public/choose.html", {"districts": districts})


def _rate(group, request) -> str:
    return settings.PUBLIC_REPORT_RATE_LIMIT


def _ip(group, request) -> str:
    return client_ip(request) or "unknown"


def _rate_limited(request, township):
    try:
        _count, seconds = _split_rate(settings.PUBLIC_REPORT_RATE_LIMIT)
    except (ValueError, TypeError):
        seconds = 600
    minutes = max(1, (seconds + 59) // 60)
    return render(request, "intake/public/rate_limited.html", {"township": township, "minutes": minutes},
                  status=429)


@never_cache
@ratelimit(group="intake.public_report", key=_ip, rate=_rate, method="POST", block=False)
def public_report_form(request, code: str):
    township = township_for_code(code)
    if township is None:
        raise Http404(_("No such township."))
    if request.method == "POST":
        if getattr(request, "limited", False):
            return _rate_limited(request, township)
        form = PublicReportForm(request.POST, township=township)
        if form.is_valid():
            try:
                report = public_report_submit(**form.service_kwargs(), ip_address=client_ip(request))
            except PublicReportError as exc:
                messages.error(request, str(exc))
            else:
                token = signing.dumps(report.reference, salt=THANKS_SALT)
                return redirect(f"{reverse('intake:public_report_thanks', args=[code])}?r={token}")
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    else:
        initial = {}
        village_code = request.GET.get("village", "")
        if village_code:
            initial["village"] = township_villages(township).filter(code=village_code).first()
        form = PublicReportForm(township=township, initial=initial)
    return render(request, "intake/public/form.html", {"township": township, "form": form})


def public_report_thanks(request, code: str):
    township = township_for_code(code)
    if township is None:
        raise Http404(_("No such township."))
    try:
        reference = signing.loads(request.GET.get("r", ""), salt=THANKS_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        return redirect("intake:public_report_form", code=code)
    report = get_object_or_404(PublicReport.objects.only("reference", "is_urgent", "township"),
                               reference=reference, township=township)
    return render(request, "intake/public/thanks.html", {"township": township, "report": report})


# --- the township's side ------------------------------------------------------------------------
class ViewRolesMixin:
    def has_permission(self) -> bool:
        user = self.request.user
        return super().has_permission() and (user.is_superuser or user.role in VIEW_ROLES)


class PublicReportTable(BaseTable):
    reference = tables.Column(verbose_name=gettext_lazy("reference number"),
                              linkify=("intake:public_report_detail", {"pk": tables.A("pk")}),
                              attrs={"td": {"class": "font-monospace small"}})
    is_urgent = tables.Column(verbose_name=gettext_lazy("urgent"))
    subject_name = tables.Column(verbose_name=gettext_lazy("name of the person in hardship"))
    created_at = tables.DateTimeColumn(verbose_name=gettext_lazy("received"), format="Y-m-d H:i")
    subject_id_number = MaskedIDColumn(verbose_name=gettext_lazy("ID number"),
                                       attrs={"th": PHONE_HIDDEN["th"], "td": {
                                           "class": "d-none d-md-table-cell text-nowrap font-monospace small"}})
    township = tables.Column(verbose_name=gettext_lazy("township"), attrs=PHONE_HIDDEN)
    village = tables.Column(verbose_name=gettext_lazy("village"), default="—")
    reporter_phone = tables.Column(verbose_name=gettext_lazy("reporter's phone"), attrs=PHONE_HIDDEN)
    status = tables.Column(verbose_name=gettext_lazy("status"), attrs=PHONE_HIDDEN)

    class Meta(BaseTable.Meta):
        model = PublicReport
        fields = ("reference", "is_urgent", "subject_name", "created_at", "village", "subject_id_number",
                  "township", "reporter_phone", "status")
        order_by = ("-is_urgent", "-created_at")

    def render_is_urgent(self, value):
        if value:
            return mark_safe('<span class="badge text-bg-danger">%s</span>' % _("Urgent"))  # noqa: S308
        return ""

    def value_is_urgent(self, value):
        return _("Urgent") if value else ""

    def render_reporter_phone(self, value):
        return resident_id.mask_phone(value)

    def value_reporter_phone(self, value):
        return resident_id.mask_phone(value)


class PublicReportListView(ViewRolesMixin, ObjectListView):
    queryset = PublicReport.objects.all()
    filterset_class = PublicReportFilterSet
    table_class = PublicReportTable
    permission_required = "intake.view_publicreport"
    template_name = "intake/public/report_list.html"
    title = gettext_lazy("Public reports")
    export_title = gettext_lazy("Public reports")


class PublicReportDetailView(ViewRolesMixin, ObjectDetailView):
    queryset = PublicReport.objects.select_related("township", "village", "lead", "handled_by")
    permission_required = "intake.view_publicreport"
    template_name = "intake/public/report_detail.html"

    def get_context_data(self, accept_form=None, reject_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        handler = can_handle(user) and report.status == PublicReportStatus.PENDING
        context.update(can_handle=handler)
        if handler:
            candidates = person_candidates(user=user, report=report)
            context.update(
                candidates=candidates,
                accept_form=accept_form or PublicReportAcceptForm(report=report, user=user, candidates=candidates),
                reject_form=reject_form or PublicReportRejectForm(),
            )
        return context

    def post(self, request, *args, **kwargs):
        self.object = report = self.get_object()  # scoped: another township's report is 404
        require_role(request.user, HANDLER_ROLES,
                     _("Only the township office or the district centre can handle public reports."))
        action = request.POST.get("action")
        accept_form = reject_form = None
        try:
            if action == "accept":
                accept_form = PublicReportAcceptForm(request.POST, report=report, user=request.user,
                                                     candidates=person_candidates(user=request.user, report=report))
                if accept_form.is_valid():
                    data = accept_form.cleaned_data
                    before = report.status
                    report, merged = public_report_accept(
                        report=report, user=request.user, person=data["person"], id_number=data["id_number"],
                        name=data["name"], village=data["village"], unidentified=data["unidentified"],
                        description=data["description"], found_at=data["found_at"])
                    if before == PublicReportStatus.ACCEPTED:
                        messages.info(request, _("This report was already accepted as lead %(number)s.")
                                      % {"number": report.lead.number})
                    elif merged:
                        messages.success(request, _("Accepted. %(name)s already had an open lead, %(number)s: this "
                                                    "report was added to it as another source.")
                                         % {"name": report.lead.person.name, "number": report.lead.number})
                    else:
                        messages.success(request, _("Accepted as lead %(number)s.") % {"number": report.lead.number})
                    return redirect("intake:public_report_detail", pk=report.pk)
            elif action == "reject":
                reject_form = PublicReportRejectForm(request.POST)
                if reject_form.is_valid():
                    public_report_reject(report=report, user=request.user, reason=reject_form.cleaned_data["reason"])
                    messages.success(request, _("The report was rejected."))
                    return redirect("intake:public_report_detail", pk=report.pk)
            else:
                return redirect("intake:public_report_detail", pk=report.pk)
            messages.error(request, _("Please correct the fields marked in red."))
        except PublicReportError as exc:
            messages.error(request, str(exc))
        self.object.refresh_from_db()
        audit_record(request=request, action=AuditAction.DETAIL, obj=self.object)
        context = self.get_context_data(object=self.object, accept_form=accept_form, reject_form=reject_form)
        return self.render_to_response(context)


def _require_view_role(user) -> None:
    require_role(user, VIEW_ROLES)


def public_url(request, township: Region) -> str:
    path = reverse("intake:public_report_form", args=[township.scope_prefix])
    base = (settings.PUBLIC_BASE_URL or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@login_required
def public_report_posters(request):
    """The townships whose poster the user may print (their own one opens at once)."""
    _require_view_role(request.user)
    townships = list(scope(request.user, Region.objects.filter(level=RegionLevel.TOWNSHIP)).order_by("code"))
    if len(townships) == 1:
        return redirect("intake:public_report_poster", code=townships[0].scope_prefix)
    return render(request, "intake/public/poster_choose.html", {"townships": townships})


@login_required
def public_report_poster(request, code: str):
    """An A4 poster with the QR code of the township's public report page, to print and put up."""
    _require_view_role(request.user)
    township = township_for_code(code)
    if township is None or not scope(request.user, Region.objects.filter(pk=township.pk)).exists():
        raise Http404(_("No such township."))
    url = public_url(request, township)
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=1, border=2, omitsize=True, title=_("QR code of the public report page"))
    return render(request, "intake/public/poster.html", {"township": township, "url": url, "qr_svg": mark_safe(svg)})  # noqa: S308
