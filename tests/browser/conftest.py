"""Browser harness: Playwright driving Debian's Chromium against Django's live_server.

Every page a test visits is checked with axe-core (bundled with axe-playwright-python, no network)
and fails on a serious or critical violation; a page whose structure this process has already
checked (same URL pattern, same set of elements: see `PAGE_SHAPE_JS`) is not checked again. A
failing test leaves a screenshot of each of its open pages under test-artifacts/screenshots/<test
name>/; `BROWSER_SCREENSHOTS=1` keeps one of every step, as the suite did before.
"""

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
# Flags for a closed network: no background connections, no first-run, no sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}
# A full-page screenshot of every step cost a fifth of a journey's time: on request only.
EVERY_STEP_SCREENSHOTS = os.environ.get("BROWSER_SCREENSHOTS") == "1"
# (URL pattern, page shape) pairs this process has run axe-core on (see `Visit.checked`).
AXE_CHECKED: set[tuple[str, str]] = set()
AXE_RUNS = {"checked": 0, "repeats": 0}
# Every element's tag, id and classes, role, type, name and aria-* attribute names (digits of ids
# and names as N), as a sorted set: a page's structure, whatever its texts and row counts.
PAGE_SHAPE_JS = """() => {
  const shapes = new Set();
  for (const el of document.querySelectorAll("*")) {
    const attrs = [...el.attributes].map(a => a.name).filter(n => n.startsWith("aria-")).sort();
    shapes.add([
      el.tagName, (el.id || "").replace(/[0-9]+/g, "N"), [...el.classList].sort().join("."),
      el.getAttribute("role") || "", el.getAttribute("type") || "",
      (el.getAttribute("name") || "").replace(/[0-9]+/g, "N"), attrs.join(","),
    ].join("|"));
  }
  return [...shapes].sort().join("\\n");
}"""


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = "Debian chromium is not installed (apt-get install chromium fonts-ipafont-gothic)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def reference_data(transactional_db):
    """Reference data for each browser test: live_server tests flush the database after each
    test, so every test loads what it needs instead of relying on the order of tests."""
    call_command("load_reference", verbosity=0)


class Visit:
    """A browser page with the checks every visit makes: screenshot, then axe-core."""

    def __init__(self, page, live_server, folder: Path):
        self.page = page
        self.base = live_server.url
        self.folder = folder
        self.step = 0
        self.pending = 0  # requests of the page still running (see `settled`)
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request):
        self.pending += 1

    def _ended(self, request):
        self.pending -= 1

    def login(self, username: str, password: str = "test-pass-2006"):
        """Signs `username` in with a session cookie made on the server (as Django's
        `Client.force_login`), not through the form: tests/browser/test_journey.py signs in and
        out through the login page itself. The password is still checked."""
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        user = get_user_model().objects.get(username=username)
        assert user.check_password(password), f"{username} could not log in"
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.base}]
        )

    def goto(self, path: str):
        self.page.goto(self.base + path)
        return self.checked(path)

    def settled(self):
        """The page loaded and no request of it still running. Playwright's `click` already
        waits for the navigation it starts; a `networkidle` wait added half a second of
        silence on top of every step."""
        self.page.wait_for_load_state("load")
        for _ in range(300):
            if self.pending <= 0:
                return
            self.page.wait_for_timeout(50)

    def screenshot(self, label: str):
        self.step += 1
        name = re.sub(r"[^a-zA-Z0-9_-]+", "-", label).strip("-") or "page"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=self.folder / f"{self.step:02d}-{name}.png", full_page=True)

    def checked(self, label: str):
        self.settled()
        if EVERY_STEP_SCREENSHOTS:
            self.screenshot(label)
        else:
            self.step += 1
        shape = hashlib.sha256(self.page.evaluate(PAGE_SHAPE_JS).encode()).hexdigest()
        key = (url_pattern(self.page.url), shape)
        if key in AXE_CHECKED:
            AXE_RUNS["repeats"] += 1
        else:
            assert_accessible(self.page)
            AXE_CHECKED.add(key)
            AXE_RUNS["checked"] += 1
        return self.page


def url_pattern(url: str) -> str:
    """The URL without its host and with every number as N: /projects/x/reports/N/."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url).split("#")[0]
    return re.sub(r"[0-9]+", "N", path)


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    # violations only (axe-playwright-python's default, said here): no passes worked out
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in blocking
    )
    assert not blocking, f"axe-core found serious violations on {page.url}:\n{report}"


OPEN_VISITS = pytest.StashKey[list]()


@pytest.fixture
def new_visit(browser, live_server, reference_data, request):
    """Opens a browser session of its own (cookies apart) per call: one per user in a journey."""
    contexts = []
    visits = request.node.stash.setdefault(OPEN_VISITS, [])
    folder = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")

    def open_visit(name: str = ""):
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        visit = Visit(page, live_server, ARTIFACTS / folder / name if name else ARTIFACTS / folder)
        visits.append(visit)
        return visit

    yield open_visit
    visits.clear()
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, a screenshot of each of its open pages, for the artifacts."""
    report = yield
    if report.failed and call.when == "call":
        for visit in item.stash.get(OPEN_VISITS, []):
            try:
                visit.screenshot("failed")
            except Exception as error:  # a closed page must not hide the test's own failure
                report.sections.append(("screenshot", f"no screenshot: {error}"))
    return report


@pytest.fixture
def visit(new_visit):
    return new_visit()


def confirm_and_submit(page):
    """Submit on a transition page; where the submission leaves something incomplete (issue
    23), first tick 「未記入の項目があることを確認のうえ提出する」, as a submitter who read the
    list would."""
    box = page.get_by_label("未記入の項目があることを確認のうえ提出する")
    if box.count():
        box.check()
    page.get_by_role("button", name="提出する").click()
