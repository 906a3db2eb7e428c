"""The 30-minute idle timeout, with the session saved at most once a minute (accounts.middleware)."""
import datetime as dt

import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.choices import Role

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _home(client):
    return client.get(reverse("accounts:home"))


def test_working_keeps_the_session_alive_and_thirty_idle_minutes_end_it(client, world):
    with time_machine.travel(T0, tick=False) as clock:
        client.force_login(world.users[Role.TOWNSHIP_CASEWORKER])
        assert _home(client).status_code == 200
        first = _expiry(client)
        assert first == T0 + dt.timedelta(minutes=30)

        clock.shift(dt.timedelta(seconds=20))  # clicks within a minute do not write the session…
        assert _home(client).status_code == 200
        assert _expiry(client) == first

        clock.shift(dt.timedelta(minutes=20))  # …a click after it moves the expiry
        assert _home(client).status_code == 200
        second = _expiry(client)
        assert second == T0 + dt.timedelta(minutes=20, seconds=20) + dt.timedelta(minutes=30)

        clock.shift(dt.timedelta(minutes=29, seconds=30))  # idle, but less than 30 minutes
        assert _home(client).status_code == 200

        clock.shift(dt.timedelta(minutes=30, seconds=1))  # idle for 30 minutes: signed out
        response = _home(client)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_visits_write_no_session(client, db):
    before = Session.objects.count()
    client.get(reverse("accounts:login"))
    client.get(reverse("accounts:home"))
    assert Session.objects.count() == before
