"""Pages of the referrals app: transfer forms, the answer link, reminders and the notification inbox.

Views are thin: every queryset goes through the scope (the generic views or
``scope()``), every write through ``services``.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import DISTRICT_ROLES
from accounts.roles import RoleRequiredMixin
from accounts.scoping import scope
from common.audit import AuditAction, audit_record
from common.views import ObjectDetailView, ObjectListView

from . import badges, selectors, services, subjects
from .choices import ReminderLevel, TransferKindCode, TransferStatus
from .deadlines import overdue_working_days
from .filters import NotificationFilterSet, ReminderFilterSet, TransferFormFilterSet
from .forms import LinkAnswerForm, PaperAnswerForm, TransferAnswerForm, TransferCloseForm, TransferFormIssueForm
from .links import AnswerLinkError, answer_link_token, form_for_answer_link
from .models import Notification, Reminder, TransferAttachment, TransferForm, TransferKind
from .qr import qr_svg
from .tables import NotificationTable, ReminderTable, TransferFormTable, TransferTrackingTable

# What the audit log says a transfer-form action did.
FORM_ACTIONS = {
    "receive": gettext_lazy("Signed for the transfer form"),
    "answer": gettext_lazy("Answered the transfer form"),
    "close": gettext_lazy("Closed the transfer form (销案)"),
}


# --- lists ---------------------------------------------------------------------------------
class TransferFormListView(ObjectListView):
    queryset = TransferForm.objects.all()
    filterset_class = TransferFormFilterSet
    table_class = TransferFormTable
    permission_required = "referrals.view_transferform"
    title = gettext_lazy("Transfer forms")
    export_title = gettext_lazy("Transfer forms")
    joins_as_written = True  # a form joins its kind, lead, person, 3 regions, department: 20–38 ms to plan

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not selectors.may_open_lead(self.request.user):
            kwargs["lead_links"] = False
        return kwargs


class DistrictOnlyMixin(RoleRequiredMixin):
    required_roles = DISTRICT_ROLES


class TransferTrackingView(DistrictOnlyMixin, TransferFormListView):
    """转办单跟踪: every form of the district with its answer, reminders and closing."""

    table_class = TransferTrackingTable
    title = gettext_lazy("Transfer form tracking")
    export_title = gettext_lazy("Transfer form tracking ledger")


class EscalationListView(DistrictOnlyMixin, ObjectListView):
    """Escalations across townships and departments, and the count of reminders per recipient."""

    queryset = Reminder.objects.filter(level=ReminderLevel.ESCALATION)
    filterset_class = ReminderFilterSet
    table_class = ReminderTable
    permission_required = "referrals.view_reminder"
    title = gettext_lazy("Escalations")
    export_title = gettext_lazy("Escalations of overdue work")
    template_name = "referrals/escalation_list.html"
    audit_personal_data = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reminder_counts"] = selectors.reminder_counts(user=self.request.user)
        return context


class ReminderListView(DistrictOnlyMixin, ObjectListView):
    queryset = Reminder.objects.all()
    filterset_class = ReminderFilterSet
    table_class = ReminderTable
    permission_required = "referrals.view_reminder"
    title = gettext_lazy("Reminders sent")
    export_title = gettext_lazy("Reminders sent")
    audit_personal_data = False


class NotificationListView(ObjectListView):
    """The user's own inbox."""

    queryset = Notification.objects.all()
    filterset_class = NotificationFilterSet
    table_class = NotificationTable
    title = gettext_lazy("Notifications")
    export_title = gettext_lazy("Notifications")
    template_name = "referrals/notification_list.html"
    audit_personal_data = False

    def has_permission(self):
        return self.request.user.is_authenticated  # everyone has an inbox

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread"] = badges.unread(self.request)
        return context


@login_required
def notification_open(request, pk: int):
    """Open a notification: mark it read and go to what it is about."""
    notification = get_object_or_404(selectors.notifications_for(user=request.user), pk=pk)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(url)
    return redirect("referrals:notification_list")


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_read(user=request.user)
    if count:
        messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("referrals:notification_list")


# --- issuing -------------------------------------------------------------------------------
def _lead_for(user, pk):
    Lead = TransferForm._meta.get_field(subjects.FIELD).related_model  # referrals never names cases (DESIGN §13)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(scope(user, Lead.objects.select_related(*subjects.kind().related)), pk=pk)


@login_required
def transferform_create(request):
    user = request.user
    if not services.can_issue(user):
        raise PermissionDenied(_("Your role cannot issue transfer forms."))
    lead = _lead_for(user, request.GET.get("lead") or request.POST.get("lead"))
    subject = subjects.describe(lead)
    townships, departments = services.issue_targets(user)
    townships, departments = list(townships), list(departments)
    initial = {}
    if any(t.pk == subject.township_id for t in townships):
        initial["recipient"] = f"r:{subject.township_id}"
    if not townships:  # a township office refers to a department for special relief (转介专项救助)
        initial["kind"] = TransferKind.objects.filter(code=TransferKindCode.SPECIAL_RELIEF, is_active=True).first()
    form = TransferFormIssueForm(request.POST or None, townships=townships, departments=departments,
                                 initial=initial)
    if request.method == "POST" and form.is_valid():
        what, target = form.cleaned_data["recipient"]
        try:
            transfer = services.transfer_form_issue(
                lead=lead, by=user, kind=form.cleaned_data["kind"], request_text=form.cleaned_data["request_text"],
                to_region=target if what == "region" else None,
                to_department=target if what == "department" else None)
        except services.TransferFormError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Transfer form %(number)s issued to %(to)s, answer due %(due)s.") % {
                "number": transfer.number, "to": transfer.recipient_name, "due": f"{transfer.due_on:%Y-%m-%d}"})
            return redirect(transfer)
    existing = selectors.lead_transfer_forms(user=user, lead=lead)
    return render(request, "referrals/transferform_form.html", {"form": form, "lead": lead, "subject": subject,
                                                              "existing": existing})


# --- one form ------------------------------------------------------------------------------
class _OneFormView(ObjectDetailView):
    """One form with what its page shows, its subject included (subjects.related())."""

    permission_required = "referrals.view_transferform"

    def get_queryset(self):
        self.queryset = TransferForm.objects.select_related(
            "kind", *subjects.related(), "from_region", "to_region", "to_department",
            "issued_by", "received_by", "answered_by", "closed_by")
        return super().get_queryset()


class TransferFormDetailView(_OneFormView):
    template_name = "referrals/transferform_detail.html"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        action = request.POST.get("action")
        user, form = request.user, self.object
        bound = {}
        try:
            if action == "receive":
                services.transfer_form_receive(form=form, by=user)
                messages.success(request, _("You signed for this transfer form."))
            elif action == "answer":
                form_class = PaperAnswerForm if self._paper_answer(form) else TransferAnswerForm
                answer = form_class(request.POST, request.FILES)
                bound["answer_form"] = answer
                if not answer.is_valid():
                    return self.render_to_response(self.get_context_data(**bound))
                services.transfer_form_answer(
                    form=form, by=user, answer_text=answer.cleaned_data["answer_text"],
                    result=answer.cleaned_data["result"], attachments=answer.cleaned_data["attachments"],
                    answerer_name=answer.cleaned_data.get("answerer_name", ""))
                messages.success(request, _("Your answer has been sent to %(office)s.") % {
                    "office": form.from_region.name})
            elif action == "attach":
                services.transfer_form_attach(form=form, by=user, files=request.FILES.getlist("attachments"))
                messages.success(request, _("The files were added."))
            elif action == "close":
                close = TransferCloseForm(request.POST)
                bound["close_form"] = close
                if not close.is_valid():
                    return self.render_to_response(self.get_context_data(**bound))
                services.transfer_form_close(form=form, by=user, note=close.cleaned_data["note"])
                messages.success(request, _("Transfer form %(number)s is closed.") % {"number": form.number})
            else:
                raise Http404
        except services.TransferFormError as exc:
            messages.error(request, str(exc))
            self.object = self.get_object()
            return self.render_to_response(self.get_context_data(**bound), status=200)
        audit_record(request=request, action=AuditAction.CHANGE, obj=form,
                     detail=str(FORM_ACTIONS.get(action, action)))
        return redirect(form)

    def _paper_answer(self, form) -> bool:
        user = self.request.user
        return not services.is_recipient(user, form) and services.is_issuer_side(user, form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, user = self.object, self.request.user
        recipient = services.is_recipient(user, form)
        issuer = services.is_issuer_side(user, form)
        can_change = user.has_perm("referrals.change_transferform")
        awaiting = form.status in (TransferStatus.ISSUED, TransferStatus.RECEIVED)
        context.update(
            reminders=selectors.form_reminders(user=user, form=form),
            attachments=scope(user, TransferAttachment.objects.filter(form=form)),
            can_receive=can_change and recipient and form.status == TransferStatus.ISSUED,
            can_answer=can_change and awaiting and (recipient or issuer),
            can_attach=can_change and form.status == TransferStatus.ANSWERED and (recipient or issuer),
            can_close=can_change and issuer and form.status != TransferStatus.CLOSED,
            is_issuer=issuer,
            is_recipient=recipient,
            lead_link=selectors.may_open_lead(user),
            overdue_days=overdue_working_days(form.due_on) if awaiting else 0,
            is_overdue=awaiting and timezone.localdate() > form.due_on,
        )
        context.setdefault("answer_form", (PaperAnswerForm if self._paper_answer(form) else TransferAnswerForm)())
        context.setdefault("close_form", TransferCloseForm())
        if issuer and form.status != TransferStatus.CLOSED:
            context["answer_link"] = self.request.build_absolute_uri(
                reverse("referrals:answer_link", args=[answer_link_token(form)]))
        return context


class TransferFormPrintView(_OneFormView):
    """The A4 form for signing (签收) and stamping, with the QR code of the answer link."""

    template_name = "referrals/transferform_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.object
        if form.status != TransferStatus.CLOSED and timezone.now() <= form.link_expires_at:
            url = self.request.build_absolute_uri(reverse("referrals:answer_link", args=[answer_link_token(form)]))
            context.update(answer_link=url, qr=qr_svg(url))
        return context


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(scope(request.user, TransferAttachment.objects.select_related("form")), pk=pk)
    audit_record(request=request, action=AuditAction.EXPORT, obj=attachment.form,
                 detail=_("Attachment downloaded: %(name)s") % {"name": attachment.original_name})
    return _file_response(attachment)


def _file_response(attachment):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


@login_required
@permission_required("referrals.view_reminder", raise_exception=True)
def reminder_print(request, pk: int):
    """A reminder as a printable letter (书面提醒)."""
    reminder = get_object_or_404(
        selectors.reminders(user=request.user).select_related("transfer_form__from_region", "region", "department"),
        pk=pk)
    audit_record(request=request, action=AuditAction.DETAIL, obj=reminder)
    written_count = None
    if reminder.transfer_form_id:
        written_count = selectors.reminders(user=request.user).filter(
            level=ReminderLevel.WRITTEN_REMINDER, recipient_name=reminder.recipient_name).count()
    return render(request, "referrals/reminder_print.html", {"reminder": reminder, "written_count": written_count})


# --- the answer link (no login) ---------------------------------------------------------------
def answer_link(request, token: str):
    """One form, shown to whoever holds its signed link, and its answer. Nothing else."""
    try:
        form = form_for_answer_link(token)
    except AnswerLinkError as exc:
        return render(request, "referrals/answer_link_invalid.html", {"reason": str(exc)}, status=410)
    answer = LinkAnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.status in (TransferStatus.ISSUED, TransferStatus.RECEIVED):
        if answer.is_valid():
            try:
                services.transfer_form_answer(
                    form=form, by=None, via_link=True, answer_text=answer.cleaned_data["answer_text"],
                    result=answer.cleaned_data["result"], attachments=answer.cleaned_data["attachments"],
                    answerer_name=answer.cleaned_data["answerer_name"])
            except services.TransferFormError as exc:
                messages.error(request, str(exc))
            else:
                audit_record(request=request, action=AuditAction.CHANGE, obj=form,
                             detail=_("Answered through the answer link by %(name)s") % {
                                 "name": answer.cleaned_data["answerer_name"]})
                messages.success(request, _("Thank you: your answer has been sent to %(office)s.") % {
                    "office": form.from_region.name})
                return redirect(request.path)
    else:
        audit_record(request=request, action=AuditAction.DETAIL, obj=form, detail=_("Opened through the answer link"))
    return render(request, "referrals/answer_link.html", {
        "object": form, "form": answer, "token": token,
        "attachments": form.attachments.all(),
        "can_answer": form.status in (TransferStatus.ISSUED, TransferStatus.RECEIVED),
    })


def answer_link_attachment(request, token: str, pk: int):
    try:
        form = form_for_answer_link(token)
    except AnswerLinkError:
        raise Http404 from None
    attachment = get_object_or_404(form.attachments, pk=pk)
    audit_record(request=request, action=AuditAction.EXPORT, obj=form,
                 detail=_("Attachment downloaded through the answer link: %(name)s") % {
                     "name": attachment.original_name})
    return _file_response(attachment)
