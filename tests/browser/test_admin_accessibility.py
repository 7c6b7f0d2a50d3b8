"""Issue 24: the Django admin pages an admin (the admin role, not a superuser) uses pass axe-core:
for each model on the admin index, its list and the change page of its first record (the add
page where it has none and the admin may add: the same form); serious or critical violations
fail. Fixes live in templates/admin/ and static/js/admin.js.

The models are shared out over PARTS tests (every PARTS-th model of the index each, in one
browser session per part), so that pytest-xdist can run them on different workers: the one test
was the longest of the suite. The parts together visit every model; each part checks that it got
its share."""

import pytest

from projects.models import Role
from tests.browser.conftest import BLOCKING_IMPACTS
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # violations only: axe skips working out the passes (several times faster)
    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [
        f"{page.url} {v['id']} ({v['impact']}): "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in found
        if v.get("impact") in BLOCKING_IMPACTS
    ]


PARTS = 3


@pytest.mark.parametrize("part", range(PARTS))
def test_the_admin_pages_an_admin_uses_pass_axe(visit, reference_data, part):
    UserFactory(username="admin", role=Role.ADMIN, is_staff=True)
    visit.login("admin")
    page = visit.page
    page.goto(visit.base + "/admin/")
    found = violations(page) if part == 0 else []  # the index: once
    lists = page.eval_on_selector_all(
        "#content-main tr[class^=model-] th a", "links => links.map(a => a.getAttribute('href'))"
    )
    adds = page.eval_on_selector_all(
        "#content-main a.addlink", "links => links.map(a => a.getAttribute('href'))"
    )
    assert len(lists) >= 15, lists  # master data, users, tokens, the view-only records
    share = lists[part::PARTS]
    forms = 0
    for path in share:
        page.goto(visit.base + path)
        assert page.locator("#result_list, #changelist").count(), path
        found += violations(page)
        first = page.locator("#result_list tbody tr a[href]").first
        # the change page of the first record; the add page where there is none (same form)
        model_add = path + "add/"
        form = first.get_attribute("href") if first.count() else None
        if form is None and model_add in adds:
            form = model_add
        if form:
            page.goto(visit.base + form if form.startswith("/") else page.url + form)
            found += violations(page)
            forms += 1
    # the whole test visited more than 30 pages (24 lists, 17 forms): each part its third
    assert len(share) + forms > 30 // PARTS, (share, forms)
    assert found == [], "\n".join(found)
