"""Writes of department feeds: receiving a delivery, confirming it, importing it all or nothing.

A delivery (``FeedBatch``) is received (file, API push or command), previewed with its detected
column mapping, committed, and imported by :func:`batch_process` — in a Celery task for uploads, in
the request for API pushes and in the process for the command. The import is **one transaction**:
every accepted row is stored and acted on (leads raised, evidence added, people registered), or,
on any error, nothing is. Re-delivery changes nothing: the same file (checksum per file) is
recognised as a duplicate, and the same row in any later delivery (checksum per row, unique per
feed) is counted as unchanged; leads are raised through :func:`cases.services.lead_report`, which
takes each row's origin once.

The work is in modules by concern; this module re-exports their public names:

* ``definitions``: who may deliver a feed, its columns, the feeds' error;
* ``reading``: the delivered table, read once, its header detected and mapped;
* ``checking``: the checks of a delivery (the same for the preview and the import);
* ``receiving``: receiving, preview, period and mapping, commit, queueing and cancel;
* ``importing``: the import (the ORM path here, the set-based path in ``fastpath``), counts and summary;
* ``progress``: the import's progress in the cache.
"""
from .checking import Checked, delivery_check
from .definitions import DISTRICT_DELIVERERS, FeedError, can_deliver, column_specs, feeds_install_standard
from .importing import (
    VillageLocator,
    batch_import_now,
    batch_process,
    batch_summary,
    batches_delete,
    counts_of,
    fast_path_enabled,
)
from .previewing import Preview, batch_preview, batch_read, preview_stored
from .progress import progress_key
from .reading import _header_of, _read_batch_table
from .receiving import (
    batch_cancel,
    batch_commit,
    batch_receive,
    batch_reread,
    batch_set_mapping,
    batch_set_period,
    batch_upload,
)
from .tasks import batch_enqueue

__all__ = [
    "DISTRICT_DELIVERERS", "Checked", "FeedError", "Preview", "VillageLocator", "_header_of", "_read_batch_table",
    "batch_cancel", "batch_commit", "batch_enqueue", "batch_import_now", "batch_preview", "batch_process",
    "batch_read", "batch_receive", "batch_reread", "batch_set_mapping", "batch_set_period", "batch_upload",
    "preview_stored", "batch_summary", "can_deliver", "column_specs",
    "batches_delete", "counts_of", "delivery_check", "fast_path_enabled", "feeds_install_standard", "progress_key",
]
