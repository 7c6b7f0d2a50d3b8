"""Browser harness: Playwright driving Debian's Chromium against Django's live_server.

Every page a test visits is checked with axe-core (bundled with axe-playwright-python, no network)
and fails on a serious or critical violation. Screenshots of each step are kept under
test-artifacts/screenshots/<test name>/.
"""

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

    def login(self, username: str, password: str = "test-pass-2006"):
        self.page.goto(self.base + "/accounts/login/")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(password)
        self.page.locator("main button[type=submit]").click()
        self.page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in self.page.url, f"{username} could not log in"

    def goto(self, path: str):
        self.page.goto(self.base + path)
        return self.checked(path)

    def checked(self, label: str):
        self.page.wait_for_load_state("networkidle")
        self.step += 1
        name = re.sub(r"[^a-zA-Z0-9_-]+", "-", label).strip("-") or "page"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=self.folder / f"{self.step:02d}-{name}.png", full_page=True)
        assert_accessible(self.page)
        return self.page


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
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


@pytest.fixture
def new_visit(browser, live_server, reference_data, request):
    """Opens a browser session of its own (cookies apart) per call: one per user in a journey."""
    contexts = []
    folder = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")

    def open_visit(name: str = ""):
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return Visit(page, live_server, ARTIFACTS / folder / name if name else ARTIFACTS / folder)

    yield open_visit
    for context in contexts:
        context.close()


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
