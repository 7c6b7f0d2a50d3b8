"""In English, the page frame carries no Japanese; data keep their own language."""

import re

import pytest
from django.conf import settings

from projects.models import Bureau, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
# Frame: everything but data. Elements with a lang attribute (the language switch's 日本語) and
# data cells are left out.
FRAME = ", ".join(
    [
        "header.site-header :is(a, label, button, .site-user__role)",
        "nav.breadcrumbs li:not(:last-child)",
        "footer",
        "main :is(label, th[scope=col], h2, button, .actions li)",
        "main .muted[role=status]",
    ]
)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/projects/",
        "/projects/kanto-regional-revitalisation/",
        "/projects/?bureau=kinki",
        "/projects/kanto-regional-revitalisation/matrix/",
        "/overall/II/",
        "/national/",
        "/network/",
        "/indicators/participating-universities/",
        "/evaluations/",
    ],
)
def test_frame_has_no_japanese_in_english(visit, reference_data, live_server, path):
    user = UserFactory(
        username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF
    )
    context = visit.page.context
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    visit.page.goto(live_server.url + "/accounts/login/")
    visit.page.get_by_label("User name").fill(user.username)
    visit.page.get_by_label("Password").fill("test-pass-2006")
    visit.page.get_by_role("button", name="Log in").click()
    page = visit.goto(path)
    texts = page.locator(FRAME).all_inner_texts() + [page.title()]
    offending = [text for text in texts if JAPANESE.search(text)]
    assert texts and not offending, f"Japanese in the English frame of {path}: {offending}"
