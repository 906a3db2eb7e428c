"""Placeholder views; the lead form, inbox and lists are being built."""
from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


lead_create = inbox = inbox_lead_action = hotline_create = person_search = _todo


class LeadListView:
    @classmethod
    def as_view(cls):
        return _todo
