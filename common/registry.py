"""The one way a lower layer offers a hook and higher apps plug into it (DESIGN §13, docs/ARCHITECTURE.md).

A lower app creates a :class:`Registry` for what it can take (``obligation_kinds`` in
``referrals.obligations``); a higher app registers its entries in its ``AppConfig.ready()``::

    from referrals.obligations import ObligationKind, obligation_kinds

    obligation_kinds.register(ObligationKind(code="roster_visit", ...))

The lower app then walks the registry without ever naming the higher one, not even in a string.
Entries are keyed by their ``code``; registering the same code twice replaces the first entry
(``ready()`` may run more than once in tests) and registration order is kept for display, after
the entries' own ``order`` attribute when they have one.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries that higher apps contribute to a lower one."""

    def __init__(self, name: str):
        self.name = name
        self._entries: dict[str, T] = {}

    def register(self, entry: T, *, code: str | None = None) -> T:
        key = code or getattr(entry, "code", None)
        if not key:
            raise ValueError(f"{self.name}: an entry needs a code")
        self._entries[key] = entry
        return entry

    def get(self, code: str) -> T:
        try:
            return self._entries[code]
        except KeyError:
            raise LookupError(f"{self.name}: nothing registered as {code!r}") from None

    def __contains__(self, code: object) -> bool:
        return code in self._entries

    def __iter__(self) -> Iterator[T]:
        entries = list(self._entries.values())
        return iter(sorted(entries, key=lambda e: getattr(e, "order", 0)))

    def __len__(self) -> int:
        return len(self._entries)

    def codes(self) -> list[str]:
        return [getattr(e, "code", k) for k, e in self._entries.items()]

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {', '.join(self._entries)}>"


class ListPage:
    """The list page that shows a model's rows (``code`` is the model label, ``url_name`` its list view).

    Lower apps link to a higher app's list without naming it: ``list_pages.get("intake.FeedDeadline").url_name``.
    """

    def __init__(self, code: str, url_name: str):
        self.code, self.url_name = code, url_name


list_pages: Registry[ListPage] = Registry("list pages")


class Hook:
    """A function (or class) of the registering app, named by its dotted path and imported when first used.

    Registering a path rather than the object keeps ``ready()`` from importing views and widgets early;
    the path names the registering app's own module, never a higher one. ``code`` is the path.
    """

    def __init__(self, path: str, *, order: int = 0):
        self.code, self.order = path, order
        self._target = None

    @property
    def target(self):
        if self._target is None:
            from importlib import import_module

            module, _, name = self.code.rpartition(".")
            self._target = getattr(import_module(module), name)
        return self._target

    def __call__(self, *args, **kwargs):
        return self.target(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.code}>"


class ExtraExport:
    """A further export offered on another app's list page: ``model`` is the list's model label, ``url_name``
    the export's view, which takes the list's query string (ledgers offers the 明细表 on the lead list)."""

    def __init__(self, *, model: str, label, url_name: str, order: int = 0):
        self.model, self.label, self.url_name, self.order = model, label, url_name, order
        self.code = url_name


extra_exports: Registry[ExtraExport] = Registry("extra exports")

# How a department's systems authenticate on the API (``code="department"``): a Hook naming the DRF
# authentication class (intake registers its feed token; referrals' transfer-form API uses it).
api_authentication: Registry[Hook] = Registry("API authentication")
