"""A real HTTP check of a running server: the Chinese login page, then a demo login reaching home.

usage: smoke_http.py BASE_URL USERNAME PASSWORD
"""
import http.cookiejar
import re
import sys
import time
import urllib.parse
import urllib.request

base, username, password = sys.argv[1:4]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

deadline = time.monotonic() + 60
while True:
    try:
        page = opener.open(base + "/accounts/login/", timeout=5)
        break
    except OSError as exc:
        if time.monotonic() > deadline:
            sys.exit(f"server did not answer within 60 s: {exc}")
        time.sleep(0.5)
html = page.read().decode()
assert page.status == 200, page.status
assert "社会救助主动发现平台" in html, "login page is not Chinese"
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
request = urllib.request.Request(base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"})
home = opener.open(request, timeout=10)
body = home.read().decode()
assert home.status == 200 and home.geturl().rstrip("/") == base.rstrip("/"), home.geturl()
assert "您好" in body, "the demo user did not reach the home page"
print(f"login page 200, {username} logged in and reached {home.geturl()}")
