"""schemathesis against the department API's own OpenAPI document (/api/schema/): feeds and transfer forms.

Hypothesis generates requests from the document and sends them to the real Django application (WSGI, the
test database) with a valid department token and a fresh Idempotency-Key: no answer may be a 5xx, and every
answer must match the document (status code, content type, body schema).
"""
from __future__ import annotations

import itertools
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.checks import (
    content_type_conformance, negative_data_rejection, not_a_server_error, positive_data_acceptance,
    response_schema_conformance, status_code_conformance,
)

from intake.feeds.api import IDEMPOTENCY_KEY
from intake.models import FeedToken
from tests.intake.feed_factories import install_feeds
from tests.referrals.factories import issue


@pytest.fixture
def api_schema(db, settings, tmp_path):
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    settings.MEDIA_ROOT = str(tmp_path / "media")
    # As Django's test client does: the test's transaction must survive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def department_token(world):
    install_feeds(world)
    issue(world, to="department")  # a transfer form addressed to the token's department (医保)
    token = FeedToken(department=world.medical, name="医保结算系统")
    key = token.set_new_key()
    token.save()
    return key


def schema_valid_data_accepted(ctx, response, case):
    """What the document allows is not refused as malformed (400). A 422 is a documented business rule the
    document cannot express (a period that starts in the future or after it ends, over a year long)."""
    if response.status_code == 422 and "error" in (response.json() or {}):
        return None
    return positive_data_acceptance(ctx, response, case)


def schema_violating_data_refused(ctx, response, case):
    """What the document forbids is refused; 413 (more rows than maxItems, a body over the limit) refuses too."""
    if response.status_code == 413:
        return None
    return negative_data_rejection(ctx, response, case)


# The document is the contract both ways: what it allows is accepted, what it forbids is refused (issue 20:
# "offset=null" was accepted, a schema-valid Idempotency-Key and a schema-valid delivery were refused).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          schema_violating_data_refused, schema_valid_data_accepted]


def test_the_feed_api_never_fails_and_always_answers_as_documented(api_schema, department_token):
    # Every operation of the document: the feed pushes and the transfer-form answers.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    paths = {op.path for op in operations}
    assert {"/api/feeds/", "/api/transfer-forms/", "/api/transfer-forms/{number}/answer/"} <= paths

    for operation, mode in itertools.product(operations, GenerationMode):
        # The token is fixed (never mutated); the Idempotency-Key is made unique unless this case broke it on
        # purpose (a negative case may send it missing, empty or not a string).
        # A real feed for the delivery operation (a random code is only a 404).
        path_parameters = {"feed_code": "medical_inpatient"} if "{feed_code}" in operation.path else None

        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters,
                                          headers={"Authorization": f"Token {department_token}"}))
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            headers = dict(case.headers or {})
            if isinstance(headers.get("Idempotency-Key"), str) and IDEMPOTENCY_KEY.fullmatch(headers["Idempotency-Key"]):
                headers["Idempotency-Key"] = uuid.uuid4().hex
            case.headers = headers
            case.call_and_validate(checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE  # an operation with nothing to break (no parameters, no body)
