"""Browser fixtures: Playwright driving Debian's chromium (never a downloaded browser).

`browser_page` is a fresh page; `live_url(path)` makes an absolute URL on the live server;
`login(page, user)` signs in through the real form (any Content-Security-Policy violation
on the page fails the test); `assert_accessible(page)` runs
axe-core (bundled by axe-playwright-python) and fails on serious or critical violations.
Screenshots taken with `screenshot(page, name)` land in test-artifacts/screenshots/.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test body around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium.")
        pytest.skip(
            f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser, live_server):
    context = _browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Anything the Content-Security-Policy blocked (an inline script, an eval, a style
    # element) fails the test that caused it.
    blocked = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert not blocked, "The Content-Security-Policy blocked:\n" + "\n".join(blocked[:5])


@pytest.fixture
def live_url(live_server):
    def make(path: str) -> str:
        return live_server.url + path

    return make


@pytest.fixture
def login(live_url):
    def do(page, user, password: str = PASSWORD):
        page.goto(live_url("/accounts/login/"))
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()

    return do


@pytest.fixture
def assert_accessible():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        detail = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} -> "
            + ", ".join(str(n.get("target")) for n in v["nodes"][:3])
            for v in bad
        )
        assert not bad, f"axe found serious/critical violations on {page.url}:\n{detail}"

    return check


@pytest.fixture
def screenshot():
    def take(page, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
