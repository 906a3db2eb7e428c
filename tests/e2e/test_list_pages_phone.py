"""A list with many pages on a 360-px phone: every page link, "« 上一页" and "下一页 »" included, is inside the
screen and works (issue 15, session 26: in one centred row wider than the screen, the previous-page link
overflowed to the left, out of reach)."""
from __future__ import annotations

from playwright.sync_api import expect

from accounts.choices import Role
from referrals.choices import NotificationKind
from referrals.services import notify


def test_every_page_link_of_a_long_list_is_on_a_phone_screen(phone_page, live_server, world, login, screenshot):
    page = phone_page
    user = world.users[Role.VILLAGE_ASSISTANT]
    for n in range(12 * 25 + 1):  # 13 pages of 25
        notify(recipients=[user], kind=NotificationKind.INFO, title=f"测试通知{n}")
    login(page, live_server, user)
    page.goto(f"{live_server.url}/referrals/notifications/?page=7")
    links = page.locator("ul.pagination li")
    expect(links.first).to_be_visible()
    width = page.evaluate("window.innerWidth")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes), boxes
    screenshot(page, "notifications-page-7-phone")
    page.get_by_role("link", name="上一页").click()
    expect(page).to_have_url(f"{live_server.url}/referrals/notifications/?page=6")
    page.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(f"{live_server.url}/referrals/notifications/?page=7")
