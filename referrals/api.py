"""Transfer forms for department systems (DESIGN §8): read the forms addressed to the department, answer them.

    GET  /api/transfer-forms/                   the department's forms (open ones first; ?status=open|answered|all)
    GET  /api/transfer-forms/{number}/          one form
    POST /api/transfer-forms/{number}/answer/   {"answerer_name": "…", "answer_text": "…", "result": "relief_given"}

The caller is a department system with its department's token (the same token as its data pushes,
``Authorization: Token …``). The app that issues tokens (intake, layer 4) registers its authentication class in
``common.registry.api_authentication`` as "department", so this app (layer 2) never names it. A system sees and
answers only forms addressed to its own department, through the same scoping function as every page.
Answering is idempotent: the same answer again returns the form unchanged; a different second answer is a
409. Every read and answer is audit-logged (the forms carry a person's name). Errors are JSON in Chinese,
through the API's common exception handler.
"""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import scope
from common.audit import AuditAction, audit_record
from common.registry import api_authentication
from common.resident_id import mask

from . import services, subjects
from .choices import AWAITING_ANSWER, TransferResult, TransferStatus
from .models import TransferForm


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_answered"


class Unprocessable(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


class IsDepartmentSystem(BasePermission):
    """A department's system authenticated by its token (not a person's session)."""

    message = gettext_lazy("Only a department system with its department's token can use this interface.")

    def has_permission(self, request, view):
        return bool(getattr(request.user, "is_authenticated", False) and getattr(request.user, "department_id", None)
                    and hasattr(request.user, "token"))


class TransferFormSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.name")
    issued_by_office = serializers.CharField(source="from_region.name")
    addressed_to = serializers.CharField(source="recipient_name")
    status_label = serializers.CharField(source="get_status_display")
    lead_number = serializers.CharField(source="subject.number")
    person_name = serializers.CharField(source="subject.person_name")
    person_id_number = serializers.SerializerMethodField(help_text=gettext_lazy(
        "Masked: the first 6 and last 4 characters."))
    township = serializers.CharField(source="subject.township_name")
    village = serializers.CharField(source="subject.village_name", allow_null=True)
    family_situation = serializers.CharField(source="subject.family_situation")

    class Meta:
        model = TransferForm
        fields = ["number", "kind", "issued_by_office", "addressed_to", "issued_at", "due_on", "status",
                  "status_label", "lead_number", "person_name", "person_id_number", "township", "village",
                  "family_situation", "request_text", "received_at", "answered_at", "answerer_name",
                  "answer_text", "result"]

    def get_person_id_number(self, form) -> str:
        return mask(form.subject.id_number)


class TransferFormPageSerializer(serializers.Serializer):
    """One page of forms (limit/offset), as LimitOffsetPagination answers."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TransferFormSerializer(many=True)


ErrorSerializer = inline_serializer("TransferFormError", {"error": inline_serializer("TransferFormErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(),
    "details": serializers.JSONField(allow_null=True)})})
ERRORS = {code: ErrorSerializer for code in (401, 403)}


class AnswerSerializer(serializers.Serializer):
    answerer_name = serializers.CharField(max_length=64, help_text=gettext_lazy(
        "Who answers, with their office (e.g. 区医保局 王某某)."))
    answer_text = serializers.CharField(max_length=5000, help_text=gettext_lazy(
        "Investigation and handling (调查处理情况)."))
    result = serializers.ChoiceField(choices=TransferResult.choices)


def _authentication_classes():
    return [api_authentication.get("department").target]


class Pages(LimitOffsetPagination):
    """limit 1–500 and offset ≥ 0 as whole numbers, or a Chinese 422: DRF's own pagination quietly took
    ``offset=null`` or ``limit=false`` for its default, which the document does not allow."""

    default_limit = 100
    max_limit = 500

    def paginate_queryset(self, queryset, request, view=None):
        limit, offset = request.query_params.get("limit"), request.query_params.get("offset")
        if limit is not None and not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= self.max_limit):
            raise Unprocessable(_("limit must be a whole number from 1 to %(max)d.") % {"max": self.max_limit})
        if offset is not None and not (offset.isascii() and offset.isdigit()):
            raise Unprocessable(_("offset must be a whole number, 0 or more."))
        return super().paginate_queryset(queryset, request, view)


class DepartmentAPIView(APIView):
    permission_classes = [IsDepartmentSystem]

    def get_authenticators(self):
        return [cls() for cls in _authentication_classes()]

    def perform_authentication(self, request):
        super().perform_authentication(request)
        # DRF copies the caller onto the Django request, where django-simple-history would record it as the
        # user of each change; a department system is not a User (its name is kept in the audit log instead).
        request._request.user = AnonymousUser()

    def forms(self):
        return scope(self.request.user, TransferForm.objects.select_related(
            "kind", "from_region", "to_region", "to_department", *subjects.related()))

    def form(self, number: str) -> TransferForm:
        form = self.forms().filter(number=number).first()
        if form is None:
            raise NotFound(_("No transfer form %(number)s addressed to your department.") % {"number": number})
        return form


STATUS_FILTERS = {
    "open": list(AWAITING_ANSWER),
    "answered": [TransferStatus.ANSWERED],
    "all": None,
}


class TransferFormListView(DepartmentAPIView):
    @extend_schema(
        operation_id="transfer_forms_list", summary=gettext_lazy("Transfer forms addressed to the department"),
        parameters=[OpenApiParameter("status", str, enum=list(STATUS_FILTERS), description=gettext_lazy(
            "open (default): waiting for an answer; answered; all")),
                    OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": Pages.max_limit}),
                    OpenApiParameter("offset", {"type": "integer", "minimum": 0})],
        responses={200: TransferFormPageSerializer, 422: ErrorSerializer, **ERRORS})
    def get(self, request):
        wanted = request.query_params.get("status", "open")
        if wanted not in STATUS_FILTERS:
            raise Unprocessable(_("status must be one of: open, answered, all."))
        forms = self.forms()
        if STATUS_FILTERS[wanted] is not None:
            forms = forms.filter(status__in=STATUS_FILTERS[wanted])
        forms = forms.annotate(open_first=Case(When(status__in=list(AWAITING_ANSWER), then=Value(0)),
                                               default=Value(1), output_field=IntegerField())
                               ).order_by("open_first", "due_on", "id")
        paginator = Pages()
        page = paginator.paginate_queryset(forms, request, view=self)
        audit_record(request=request, action=AuditAction.LIST, model=TransferForm,
                     detail=_("Through the API: status %(status)s, %(rows)s rows") % {
                         "status": wanted or "—", "rows": len(page)})
        return paginator.get_paginated_response(TransferFormSerializer(page, many=True).data)


class TransferFormDetailView(DepartmentAPIView):
    @extend_schema(operation_id="transfer_forms_retrieve", summary=gettext_lazy("One transfer form"),
                   responses={200: TransferFormSerializer, 404: ErrorSerializer, **ERRORS})
    def get(self, request, number: str):
        form = self.form(number)
        audit_record(request=request, action=AuditAction.DETAIL, obj=form, detail=_("Through the API"))
        return Response(TransferFormSerializer(form).data)


class TransferFormAnswerView(DepartmentAPIView):
    @extend_schema(operation_id="transfer_forms_answer", summary=gettext_lazy("Answer a transfer form"),
                   request=AnswerSerializer, responses={
                       200: TransferFormSerializer, 400: ErrorSerializer, 404: ErrorSerializer,
                       409: ErrorSerializer, 422: ErrorSerializer, **ERRORS})
    def post(self, request, number: str):
        form = self.form(number)
        answer = AnswerSerializer(data=request.data)
        answer.is_valid(raise_exception=True)
        if form.status == TransferStatus.CLOSED:
            raise Unprocessable(_("This transfer form is closed."))
        if form.status == TransferStatus.ANSWERED and (
                form.answer_text != answer.validated_data["answer_text"].strip()
                or form.result != answer.validated_data["result"]):
            raise Conflict(_("This transfer form has already been answered."))
        try:
            form = services.transfer_form_answer(
                form=form, by=None, api_department=request.user.department,
                answerer_name=answer.validated_data["answerer_name"],
                answer_text=answer.validated_data["answer_text"], result=answer.validated_data["result"])
        except services.TransferFormError as exc:
            raise PermissionDenied(str(exc)) from None
        audit_record(request=request, action=AuditAction.CHANGE, obj=form,
                     detail=_("Answered through the API by %(name)s") % {
                         "name": answer.validated_data["answerer_name"]})
        form = self.form(number)
        return Response(TransferFormSerializer(form).data)
