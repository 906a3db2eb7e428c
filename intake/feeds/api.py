"""The push API for department systems (DESIGN §6, §8): one endpoint per feed, a token per department,
an idempotency key per request, the same checks, matching and rules as a file, errors as JSON in Chinese.

    POST /api/feeds/{feed_code}/deliveries/
    Authorization: Token <the department's token>
    Idempotency-Key: <any unique string, at most 128 characters>
    {"period_start": "2026-10-01", "period_end": "2026-10-31",
     "rows": [{"身份证号": "370304…", "姓名": "张三", "个人负担合规费用": "21,350.00元", "结算日期": "2026-10-03"}]}

Row keys are the feed's column keys (``id_number``, ``name``, ``amount``, ``date``…) or any of its header
names. Sending the same request again (same key, same body) returns the first answer and changes
nothing; the same key with another body is refused (409). The OpenAPI document is at ``/api/schema/``.
"""
from __future__ import annotations

import hashlib
import json
import re

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import APIException, AuthenticationFailed, NotAuthenticated, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.choices import Role
from accounts.scoping import scope
from intake.models import Feed, FeedBatch, FeedToken

from .choices import BatchSource
from .services import FeedError, batch_import_now, batch_receive, batch_summary, counts_of

MAX_ROWS = 10000
# Printable ASCII without spaces, 1–128 characters (a UUID, a batch number…): the document says exactly this.
IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,128}")
IDEMPOTENCY_KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[!-~]{1,128}$"}
MAX_REJECTED_LISTED = 1000


# --- who is calling -------------------------------------------------------------------------------
class DepartmentClient:
    """A department's system, authenticated by its token: scoped exactly like the department's liaisons."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    role = Role.DEPARTMENT_LIAISON

    def __init__(self, token: FeedToken):
        self.token = token
        self.department = token.department
        self.department_id = token.department_id
        self.region = token.department.district
        self.region_id = self.region.pk
        self.pk = None

    def has_perm(self, perm: str) -> bool:
        return perm in ("intake.add_feedbatch", "intake.view_feedbatch", "intake.view_feed")

    def get_username(self) -> str:
        return f"api:{self.token.prefix}"


class FeedTokenAuthentication(BaseAuthentication):
    keyword = b"token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        if parts[0].lower() != self.keyword or len(parts) != 2:
            raise AuthenticationFailed(_("Send the department's token as “Authorization: Token …”."))
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("The token is not valid.")) from None
        token = (FeedToken.objects.select_related("department", "department__district")
                 .filter(key_hash=FeedToken.hash_key(key), is_active=True, department__is_active=True).first())
        if token is None:
            raise AuthenticationFailed(_("The token is not valid or has been revoked."))
        from django.utils import timezone

        FeedToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return DepartmentClient(token), token

    def authenticate_header(self, request):
        return "Token"


class FeedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "intake.feeds.api.FeedTokenAuthentication"
    name = "departmentToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": str(gettext_lazy("“Token <the department's token>”, issued by the district's "
                                                "administrator."))}


# --- errors as JSON ------------------------------------------------------------------------------
class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_many_rows"


class Unprocessable(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


def exception_handler(exc, context):
    """Every error is ``{"error": {"code", "message", "details"}}`` with the message in Chinese."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    message, details = "", None
    if isinstance(exc, serializers.ValidationError):
        message = _("The request is not valid: see the details.")
        details = detail
    elif isinstance(detail, dict) and "detail" in detail:
        message = str(detail["detail"])
    else:
        message = str(detail)
    code = getattr(exc, "default_code", "error")
    if hasattr(exc, "get_codes"):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else code
    response.data = {"error": {"code": code, "message": message, "details": details}}
    return response


# --- serializers ------------------------------------------------------------------------------------
class DeliveryRequestSerializer(serializers.Serializer):
    period_start = serializers.DateField(required=False, help_text=gettext_lazy(
        "First day of the period the rows belong to (default: the period most of the rows' dates fall in, else "
        "the feed's usual period)."))
    period_end = serializers.DateField(required=False, help_text=gettext_lazy("Last day of the period."))
    rows = serializers.ListField(child=serializers.DictField(), allow_empty=False, min_length=1, max_length=MAX_ROWS,
                                 help_text=gettext_lazy(
        "One object per row; keys are the feed's column keys or header names."))


# A department learns what its duty needs (issue 20): how many rows were taken, refused or already on file —
# not how many people are registered, raised as leads or already under a relief.
DEPARTMENT_COUNTS = ("rows", "accepted", "rejected", "unchanged")
CountsSerializer = inline_serializer("DeliveryCounts", {key: serializers.IntegerField() for key in DEPARTMENT_COUNTS})

DeliveryResultSerializer = inline_serializer("DeliveryResult", {
    "delivery": serializers.IntegerField(),
    "feed": serializers.CharField(),
    "status": serializers.CharField(),
    "error": serializers.CharField(),
    "duplicate_of": serializers.IntegerField(allow_null=True),
    "unchanged_from": serializers.DictField(child=serializers.IntegerField(),
                                            help_text="earlier delivery → how many of its rows came again unchanged"),
    "summary": serializers.ListField(child=serializers.CharField(),
                                     help_text="what was new and what was already on file, in Chinese"),
    "period_start": serializers.DateField(),
    "period_end": serializers.DateField(),
    "counts": CountsSerializer,
    "rejected": inline_serializer("RejectedRow", {"row": serializers.IntegerField(),
                                                  "reason": serializers.CharField()}, many=True),
    "url": serializers.CharField(),
})

ErrorSerializer = inline_serializer("Error", {"error": inline_serializer("ErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(),
    "details": serializers.JSONField(allow_null=True)})})

FeedSerializer = inline_serializer("Feed", {
    "code": serializers.CharField(), "name": serializers.CharField(), "cadence": serializers.CharField(),
    "columns": inline_serializer("FeedColumn", {"key": serializers.CharField(), "label": serializers.CharField(),
                                                "required": serializers.BooleanField(),
                                                "names": serializers.ListField(child=serializers.CharField())},
                                 many=True)}, many=True)


def result_of(batch: FeedBatch) -> dict:
    rejected = list(batch.rejected_rows.order_by("row_number").values("row_number", "reason")[:MAX_REJECTED_LISTED])
    return {
        "delivery": batch.pk, "feed": batch.feed.code, "status": batch.status, "error": batch.error,
        "duplicate_of": batch.duplicate_of_id, "unchanged_from": batch.unchanged_from or {},
        "summary": batch_summary(batch), "period_start": batch.period_start, "period_end": batch.period_end,
        "counts": {k: v for k, v in counts_of(batch).items() if k in DEPARTMENT_COUNTS}, "rejected": [{"row": r["row_number"], "reason": r["reason"]} for r in rejected],
        "url": batch.get_absolute_url(),
    }


def canonical_rows(feed: Feed, rows: list[dict]) -> list[dict]:
    """Each row's keys as the feed's column keys (a key may be a column key or any header name)."""
    from .parsing import match_headers
    from .services import column_specs

    specs = column_specs(feed)
    names: dict[str, str] = {}

    def key_of(name) -> str:
        name = str(name)
        if name not in names:
            names[name] = match_headers([name], specs).get(0, name)
        return names[name]

    return [{key_of(k): v for k, v in row.items()} for row in rows]


# --- views ----------------------------------------------------------------------------------------------
class FeedAPIView(APIView):
    authentication_classes = [FeedTokenAuthentication]
    permission_classes = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not isinstance(request.user, DepartmentClient):
            raise NotAuthenticated(_("Send the department's token as “Authorization: Token …”."))
        # History rows (simple_history reads the Django request) record the system, not a user account.
        from django.contrib.auth.models import AnonymousUser

        request._request.user = AnonymousUser()

    def feed(self, request, code: str) -> Feed:
        feed = scope(request.user, Feed.objects.filter(code=code, is_active=True)).select_related("department",
                                                                                                  "district").first()
        if feed is None:
            raise NotFound(_("Your department has no active feed with the code “%(code)s”.") % {"code": code})
        return feed


class FeedListView(FeedAPIView):
    @extend_schema(operation_id="feeds_list", summary=gettext_lazy("The feeds of the token's department"),
                   responses={200: FeedSerializer, 401: ErrorSerializer})
    def get(self, request):
        feeds = scope(request.user, Feed.objects.filter(is_active=True)).prefetch_related("columns").order_by("order")
        return Response([{
            "code": f.code, "name": f.name, "cadence": f.cadence,
            "columns": [{"key": c.key, "label": c.label, "required": c.required, "names": c.header_names()}
                        for c in f.columns.all()]} for f in feeds])


class DeliveryCreateView(FeedAPIView):
    @extend_schema(
        operation_id="feeds_deliveries_create", summary=gettext_lazy("Deliver rows of a feed"),
        parameters=[OpenApiParameter("Idempotency-Key", IDEMPOTENCY_KEY_SCHEMA, OpenApiParameter.HEADER, required=True,
                                     description=gettext_lazy("Unique per delivery; a retry with the same key and "
                                                              "body returns the first answer."))],
        request=DeliveryRequestSerializer,
        responses={201: DeliveryResultSerializer, 200: DeliveryResultSerializer, 400: ErrorSerializer,
                   401: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer, 413: ErrorSerializer,
                   422: ErrorSerializer})
    def post(self, request, feed_code: str):
        feed = self.feed(request, feed_code)
        key = request.headers.get("Idempotency-Key") or ""
        if not IDEMPOTENCY_KEY.fullmatch(key):
            raise serializers.ValidationError({"Idempotency-Key": [
                _("Send a unique Idempotency-Key header with every delivery: 1 to 128 characters, letters, digits "
                  "and punctuation, no spaces.")]})
        raw_rows = request.data.get("rows") if isinstance(request.data, dict) else None
        if isinstance(raw_rows, list) and len(raw_rows) > MAX_ROWS:
            raise PayloadTooLarge(_("At most %(max)d rows per request; split the delivery.") % {"max": MAX_ROWS})
        serializer = DeliveryRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        body = json.dumps({"rows": canonical_rows(feed, request.data["rows"])}, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":"), default=str).encode()
        digest = hashlib.sha256(body).hexdigest()
        existing = FeedBatch.objects.filter(feed=feed, idempotency_key=key).first()
        if existing is None:
            try:
                batch = batch_receive(feed=feed, user=None, filename="push.json", data=body, source=BatchSource.API,
                                      period_start=data.get("period_start"), period_end=data.get("period_end"),
                                      idempotency_key=key, department=request.user.department)
            except IntegrityError:
                existing = FeedBatch.objects.filter(feed=feed, idempotency_key=key).first()
            except FeedError as exc:
                raise Unprocessable(str(exc)) from exc
            else:
                batch = batch_import_now(batch=batch)
                return Response(result_of(batch), status=status.HTTP_201_CREATED)
        # The same key answers the same request only: other rows or another period (either end) is a conflict.
        if existing.checksum != digest or any(data.get(end) not in (None, getattr(existing, end))
                                              for end in ("period_start", "period_end")):
            raise Conflict(_("This Idempotency-Key was already used for a different delivery (%(number)s).")
                           % {"number": existing.pk})
        if existing.status == "queued":
            existing = batch_import_now(batch=existing)
        return Response(result_of(existing), status=status.HTTP_200_OK)


class DeliveryDetailView(FeedAPIView):
    @extend_schema(operation_id="feeds_deliveries_retrieve", summary=gettext_lazy("The result of a delivery"),
                   responses={200: DeliveryResultSerializer, 401: ErrorSerializer, 404: ErrorSerializer})
    def get(self, request, pk: int):
        batch = scope(request.user, FeedBatch.objects.select_related("feed")).filter(pk=pk).first()
        if batch is None:
            raise NotFound(_("No delivery %(number)s of your department.") % {"number": pk})
        return Response(result_of(batch))
