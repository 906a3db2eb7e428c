"""The navigation and home-page widgets, contributed by each app.

Three registries (common.registry) that each app fills from its ``AppConfig.ready()``, so this lower
layer never names a higher one (DESIGN §13): ``menu_items`` (:class:`MenuItem`, keyed by URL name),
``home_widgets`` and ``nav_badges`` (:class:`common.registry.Hook` naming ``f(request) -> dict | None``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from common.registry import Hook, Registry


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None
    roles: frozenset[str] | None = None  # None: every role with the permission
    icon: str = "circle"
    order: int = 100
    # Items with the same group share one dropdown in the navigation bar (its label); "" = top level.
    group: str = ""
    extra: dict = field(default_factory=dict)
    # A URL name answering a small badge (HTML) that htmx loads after the page: a count beside the entry
    # (the inbox's waiting leads) without adding a query to every page.
    badge_url_name: str = ""

    @property
    def code(self) -> str:
        return self.url_name

    def visible_to(self, user) -> bool:
        if self.roles is not None and user.role not in self.roles and not user.is_superuser:
            return False
        return self.permission is None or user.has_perm(self.permission)


menu_items: Registry[MenuItem] = Registry("menu entries")
home_widgets: Registry[Hook] = Registry("home-page widgets")
nav_badges: Registry[Hook] = Registry("navigation badges")


def register(*, menu: tuple = (), widgets: tuple = (), badges: tuple = ()) -> None:
    """Called from an app's ``ready()``: its menu entries, and the dotted paths of its widgets and badges."""
    for item in menu:
        menu_items.register(item)
    for path in widgets:
        home_widgets.register(Hook(path))
    for path in badges:
        nav_badges.register(Hook(path))


# The menu's URLs, reversed once per URLconf and script prefix (they take no arguments): reverse() was a
# third of the menu's time on every page.
_urls: dict[tuple, str | None] = {}


def _menu_url(url_name: str) -> str | None:
    """``reverse(url_name)``, or None when it does not resolve."""
    key = (get_urlconf(), get_script_prefix(), url_name)
    if key not in _urls:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            url = None
        if len(_urls) < 1024:
            _urls[key] = url
        return url
    return _urls[key]


def menu_for(user, current_path: str = "") -> list[dict]:
    items = []
    for item in menu_items:
        if not item.visible_to(user):
            continue
        url = _menu_url(item.url_name)
        if url is None:
            continue
        badge_url = (_menu_url(item.badge_url_name) or "") if item.badge_url_name else ""
        items.append({"label": item.label, "url": url, "icon": item.icon, "order": item.order,
                      "badge_url": badge_url,
                      "group": str(item.group), "active": current_path.startswith(url) and url != "/"})
    items.sort(key=lambda i: i["order"])
    # Fold grouped items into one dropdown entry placed where the group's first item is.
    menu, groups = [], {}
    for item in items:
        if not item["group"]:
            menu.append(item)
            continue
        if item["group"] not in groups:
            groups[item["group"]] = {"label": item["group"], "icon": item["icon"], "children": [],
                                     "active": False, "order": item["order"]}
            menu.append(groups[item["group"]])
        group = groups[item["group"]]
        group["children"].append(item)
        group["active"] = group["active"] or item["active"]
    # A group of one is just its item.
    return [m["children"][0] if "children" in m and len(m["children"]) == 1 else m for m in menu]


def badges_for(request) -> list[dict]:
    """Small counters in the navigation bar (unread notifications…), from the ``nav_badges`` registry.

    Each hook is ``f(request) -> dict(label, url, count, icon) | None``.
    """
    badges = []
    for hook in nav_badges:
        badge = hook(request)
        if badge:
            badges.append(badge)
    return badges


def home_widgets_for(request) -> list[dict]:
    widgets = []
    for hook in home_widgets:
        widget = hook(request)
        if widget:
            widgets.append(widget)
    return sorted(widgets, key=lambda w: w.get("order", 100))
