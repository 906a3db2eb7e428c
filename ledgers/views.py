import tempfile

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse
from django.utils import timezone

from cases.models import Lead
from common.audit import AuditAction, audit_record
from intake.filters import LeadFilterSet

from . import selectors
from .services import discovery_detail_write


@login_required
@permission_required("cases.view_lead", raise_exception=True)
def discovery_detail(request):
    """The 明细表 of the leads the user sees, with the lead list's current filters."""
    filterset = LeadFilterSet(request.GET or None, queryset=Lead.objects.all(), request=request)
    leads = filterset.qs if filterset.is_bound and filterset.is_valid() else Lead.objects.all()
    leads = selectors.discovery_detail_leads(user=request.user, leads=leads)
    tmp = tempfile.TemporaryFile()
    count = discovery_detail_write(tmp, leads=leads, region_name=request.user.region.name)
    tmp.seek(0)
    audit_record(request=request, action=AuditAction.EXPORT, model=Lead,
                 detail=f"ledger=discovery_detail {request.GET.urlencode()} rows={count}")
    name = f"{selectors.DISCOVERY_DETAIL_TITLE}-{timezone.localtime():%Y%m%d%H%M}.xlsx"
    return FileResponse(tmp, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
