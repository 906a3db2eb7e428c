"""Issue 16.14: the menu bar fits a 1,366-px hall PC for every role (no horizontal scrollbar, the user menu
inside the window), also with a long name and unread notifications."""
from __future__ import annotations

from accounts.choices import Role
from referrals.choices import NotificationKind
from referrals.services import notify
from tests.e2e.conftest import sign_out


def test_the_menu_bar_fits_1366_px_for_every_role(desktop_page, live_server, world, login, screenshot):
    page = desktop_page
    page.set_viewport_size({"width": 1366, "height": 800})
    for role in Role.values:
        user = world.users[role]
        user.full_name = "区社会救助综合服务中心张晓明"[:14]
        user.save(update_fields=["full_name"])
        notify(recipients=[user], kind=NotificationKind.INFO, title="测试通知")
        sign_out(page)
        login(page, live_server, user)
        width = page.evaluate("document.documentElement.scrollWidth")
        right = page.evaluate("Math.max(...[...document.querySelectorAll('nav.navbar .nav-link')]"
                              ".map(a => a.getBoundingClientRect().right))")
        tops = page.evaluate("[...new Set([...document.querySelectorAll('nav.navbar .navbar-nav > .nav-item')]"
                             ".map(li => Math.round(li.getBoundingClientRect().top)))]")
        assert width <= 1366, f"{role}: scrollWidth {width}"
        assert right <= 1366, f"{role}: the menu ends at {right} px"
        assert len(tops) == 1, f"{role}: the menu wraps onto {len(tops)} lines"
        screenshot(page, f"menu-{role}")
