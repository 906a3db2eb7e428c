"""schemathesis against the department API's own OpenAPI document (/api/schema/): feeds and transfer forms.

Hypothesis generates requests from the document and sends them to the real Django application (WSGI, the
test database) with a valid department token and a fresh Idempotency-Key: no answer may be a 5xx, and every
answer must match the document (status code, content type, body schema).
"""
from __future__ import annotations

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_schema_conformance, status_code_conformance,
)

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


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_the_feed_api_never_fails_and_always_answers_as_documented(api_schema, department_token):
    # Every operation of the document: the feed pushes and the transfer-form answers.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    paths = {op.path for op in operations}
    assert {"/api/feeds/", "/api/transfer-forms/", "/api/transfer-forms/{number}/answer/"} <= paths

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            headers = {"Authorization": f"Token {department_token}", "Idempotency-Key": uuid.uuid4().hex}
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
