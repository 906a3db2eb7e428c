"""The JSON parser and error pages of the department API (intake/feeds/api.py, referrals/api.py).

Every error is ``{"error": {"code", "message", "details"}}`` with a Chinese message, including those DRF and
Django answer in English or as HTML: a body that is not JSON, one nested so deeply that Python's parser gives
up (a RecursionError, which DRF let through as a 500), and one larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
"""
from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError

MAX_DEPTH = 64  # a delivery is {"rows": [{…}]}: three levels; nothing sensible needs sixty-four


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def body_too_large_message() -> str:
    return _("The request body is larger than %(size)d MB. Send fewer rows per request.") % {
        "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)}


def _depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets nest deeper than ``limit`` (outside strings), without parsing."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        request = parser_context.get("request")
        length = int((getattr(request, "META", {}) or {}).get("CONTENT_LENGTH") or 0)
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise BodyTooLarge(body_too_large_message())
        try:
            raw = stream.read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) if stream is not None else b""
        except RequestDataTooBig:
            raise BodyTooLarge(body_too_large_message()) from None
        if len(raw) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise BodyTooLarge(body_too_large_message())
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(_("The request body is not valid UTF-8 text.")) from None
        if _depth_exceeds(text, MAX_DEPTH):
            raise ParseError(_("The JSON body is nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH})
        try:
            return json.loads(text, parse_constant=self._no_constant)
        except json.JSONDecodeError as exc:
            raise ParseError(_("The request body is not valid JSON (line %(line)d, column %(column)d).")
                             % {"line": exc.lineno, "column": exc.colno}) from None
        except (ValueError, RecursionError):
            raise ParseError(_("The request body is not valid JSON.")) from None

    @staticmethod
    def _no_constant(name: str):
        raise ValueError(f"{name} is not JSON")


def bad_request(request, exception):
    """400: JSON in Chinese under /api/ (a body over the size limit is refused by Django before any view)."""
    from django.views.defaults import bad_request as html_bad_request

    if request.path.startswith("/api/"):
        too_large = isinstance(exception, RequestDataTooBig)
        return JsonResponse({"error": {"code": "body_too_large" if too_large else "bad_request", "details": None,
                                       "message": body_too_large_message() if too_large
                                       else _("The request could not be understood.")}},
                            status=413 if too_large else 400, json_dumps_params={"ensure_ascii": False})
    return html_bad_request(request, exception)
