"""Issues 16.7 and 16.8: a name that differs from the registered one asks which is right; a late report is told
so on submit and asked why (kept on the lead, shown in the 明细表's 备注)."""
import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.models import Lead, Person
from ledgers.registers.selectors import discovery_detail_rows

URL = "/intake/leads/new/"


def _post(world, **changes):
    data = {"id_number": world.people["a1"].id_number, "name": "张一", "method": "visit", "channel": "home_visit",
            "discovered_on": timezone.localdate().isoformat(), "family_situation": "独居老人，行动不便"}
    data.update(changes)
    return data


def test_a_different_name_under_a_known_id_asks_which_is_right(client_for, world):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    url = reverse("intake:lead_create")
    first = client.post(url, _post(world, name="张壹"))
    assert first.status_code == 200 and not Lead.objects.exists()
    html = first.content.decode()
    assert 'data-testid="name-check"' in html and "张一" in html and "张壹" in html
    assert "哪个正确" in html
    # The reporter says the typed name is right: filed under the ID, flagged for the township to check.
    done = client.post(url, _post(world, name="张壹", name_check="reported"))
    assert done.status_code == 302
    lead = Lead.objects.get()
    assert lead.person == world.people["a1"] and Person.objects.get(pk=lead.person.pk).name == "张一"
    assert "张壹" in lead.family_situation and "姓名待核实" in lead.family_situation


def test_the_same_name_files_without_a_question(client_for, world):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    assert client.post(reverse("intake:lead_create"), _post(world)).status_code == 302


def test_a_late_report_is_told_and_asked_why(client_for, world):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    url = reverse("intake:lead_create")
    day = timezone.localdate() - dt.timedelta(days=3)
    first = client.post(url, _post(world, discovered_on=day.isoformat()))
    assert first.status_code == 200 and not Lead.objects.exists()
    html = first.content.decode()
    assert 'data-testid="late-report"' in html and "3 天前" in html and "请说明" in html
    done = client.post(url, _post(world, discovered_on=day.isoformat(), late_reason="山路塌方，无法下山"), follow=True)
    assert "逾期上报" in done.content.decode() or "已晚于" in done.content.decode()
    lead = Lead.objects.get()
    assert lead.is_late_report and lead.late_reason == "山路塌方，无法下山"
    remarks = next(discovery_detail_rows(leads=Lead.objects.all()))[-1]
    assert "逾期上报" in remarks and "山路塌方，无法下山" in remarks
