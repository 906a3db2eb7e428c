"""What a transfer form is about, described by the app that owns it (DESIGN §13, docs/ARCHITECTURE.md).

A transfer form belongs to a row of a higher app: ``TransferForm.lead``, a foreign key Django resolves by
string. referrals names none of that row's fields, in code, lookups or templates. The owning app registers,
from its ``ready()``, a :class:`SubjectKind` under the key's name: the relations to fetch with a form, the
lookups the forms' search box tries, the lookup of the person's name (the list's column and its order) and
a ``describe`` function turning the row into a :class:`Subject`, all referrals shows of it::

    subject_kinds.register(SubjectKind(code="lead", describe=Hook("cases.selectors.lead_as_transfer_subject"),
                                       related=("person", "township", "village"), …))

referrals then prefixes every lookup with the key itself (:func:`lookup`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from common.registry import Registry

# TransferForm's foreign key to its subject.
FIELD = "lead"


@dataclass(frozen=True)
class Subject:
    """What referrals shows of a form's subject: on the form, its print, the answer link and the API."""

    number: str
    person_name: str
    id_number: str  # whole: referrals masks it wherever it shows it
    township_id: int | None
    township_name: str
    village_name: str | None
    family_situation: str
    url: str  # its page, for those who may open it
    is_open: bool = True  # a closed subject gets no new form


@dataclass(frozen=True)
class SubjectKind:
    code: str  # the foreign key of TransferForm it describes (FIELD)
    describe: Callable[[object], Subject]
    related: tuple[str, ...]  # relations from the subject that describe() reads (select_related)
    search: tuple[str, ...]  # lookups from the subject the forms' search box tries with what was typed
    name: str  # lookup from the subject to the person's name: the list's column, its order and its join
    township: str  # the subject's foreign key to its township (accounts.Region)
    # Fields of the subject a list of forms shows besides the person's name (its ``str()``): the page reads only
    # these of it (``TransferFormTable.page_only``, DECISIONS 1542).
    shown: tuple[str, ...] = ()


subject_kinds: Registry[SubjectKind] = Registry("transfer form subjects")


def kind() -> SubjectKind:
    return subject_kinds.get(FIELD)


def lookup(path: str) -> str:
    """A lookup of the subject, as seen from a transfer form."""
    return f"{FIELD}__{path}"


def related() -> list[str]:
    """``select_related`` paths from a transfer form that let :func:`describe` run without a query."""
    return [lookup(path) for path in kind().related]


def search_q(value: str) -> Q:
    """Forms whose subject matches ``value`` in any of the lookups its owner offers."""
    q = Q()
    for path in kind().search:
        q |= Q(**{lookup(path): value})
    return q


def describe(subject) -> Subject:
    return kind().describe(subject)


def township_id(subject) -> int | None:
    """The township the subject belongs to, without a query."""
    return getattr(subject, f"{kind().township}_id")
