"""Issue 16.9: the township's office phone, set in its region settings, is on the public page, the thanks page
and the QR poster."""
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Region
from tests.intake.test_public import fresh_rate_limit, submit  # noqa: F401 - a fixture

PHONE = "0533-4180123"


def test_the_phone_is_on_the_form_the_thanks_page_and_the_poster(client, client_for, world):
    Region.objects.filter(pk=world.township_a.pk).update(phone=PHONE)
    form = client.get(reverse("intake:public_report_form", args=[world.township_a.scope_prefix]))
    assert PHONE in form.content.decode() and f'href="tel:{PHONE}"' in form.content.decode()
    thanks = submit(client, world.township_a)
    assert thanks.status_code == 302
    page = client.get(thanks.url).content.decode()
    assert PHONE in page and 'data-testid="township-phone"' in page
    poster = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(
        reverse("intake:public_report_poster", args=[world.township_a.scope_prefix])).content.decode()
    assert PHONE in poster


def test_without_a_phone_nothing_empty_is_shown(client, world):
    form = client.get(reverse("intake:public_report_form", args=[world.township_b.scope_prefix])).content.decode()
    assert 'data-testid="township-phone"' not in form


def test_the_administrator_sets_it_in_the_region_settings(client_for, world):
    admin = client_for(world.users[Role.ADMINISTRATOR])
    page = admin.get(reverse("admin:accounts_region_change", args=[world.township_a.pk]))
    assert page.status_code == 200 and 'name="phone"' in page.content.decode()
