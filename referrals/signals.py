"""Signals of the referrals app, for higher apps to act on (DESIGN §13: a lower app never names a higher one).

``transfer_form_settled`` is sent, inside the transaction, when a transfer form gets its answer or is closed
(销案) without one: a 转介专项救助 outcome in ``cases`` waits for it. Arguments: ``form`` and ``how``
("answered" or "closed").
"""
from django.dispatch import Signal

transfer_form_settled = Signal()
