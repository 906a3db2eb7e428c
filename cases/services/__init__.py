"""Writes to the registry and to leads. Views only call these.

Each function checks what the user may do, runs in one transaction, records who
and when (history), and is safe to call twice.

One module per part of a lead's life; this package re-exports their public names, so callers write
``from cases.services import lead_report`` whatever module holds it:

* ``base``: the errors, locking and versions, the history row, the role checks, small lookups;
* ``people``: the registry (people, households);
* ``leads``: numbering, the report (one open lead per person), accept / reject / merge;
* ``investigations``: the investigation (入户调查) and the assessment that ends it;
* ``outcomes``: assistance, referral and observation outcomes, their completion, decision, paperwork;
* ``green_channel``: the green channel (急难: relief first, paperwork after);
* ``closing``: closing, follow-ups and reopening;
* ``spot_checks``: the district centre's monthly spot checks.
"""
from ..writing import (
    TOWNSHIP_OFFICE, LeadError, RegistryError, _check_not_future, _check_township_office, _lock, _save, _save_lead,
    add_working_days, current_investigation, default_area, district_settings, lead_due_on,
)
from .closing import archive_class_for, follow_up_record, lead_close
from .green_channel import lead_green_channel
from .investigations import (
    INVESTIGATION_FIELDS, household_statuses, investigation_missing, investigation_open_checks, investigation_save,
    lead_assess, lead_hint, lead_investigation_start,
)
from .leads import lead_accept, lead_merge, lead_next_number, lead_numbers_reserve, lead_reject, lead_report
from .outcomes import (
    MONITORING_GROUPS, STATUS_RANK, outcome_complete, outcome_decide, outcome_paperwork_complete, outcome_record,
    outcome_referral_settle,
)
from .people import household_next_number, person_register
from .spot_checks import spot_check_draw, spot_check_record, spot_check_sample_size

__all__ = [
    "INVESTIGATION_FIELDS", "MONITORING_GROUPS", "STATUS_RANK", "TOWNSHIP_OFFICE", "LeadError", "RegistryError",
    "_check_not_future", "_check_township_office", "_lock", "_save", "_save_lead", "add_working_days",
    "archive_class_for", "current_investigation", "default_area", "district_settings", "follow_up_record",
    "household_next_number", "household_statuses", "investigation_missing", "investigation_open_checks",
    "investigation_save", "lead_accept", "lead_assess", "lead_close", "lead_due_on", "lead_green_channel",
    "lead_hint", "lead_investigation_start", "lead_merge", "lead_next_number", "lead_numbers_reserve",
    "lead_reject", "lead_report", "outcome_complete", "outcome_decide", "outcome_paperwork_complete",
    "outcome_record", "outcome_referral_settle", "person_register", "spot_check_draw", "spot_check_record",
    "spot_check_sample_size",
]
