"""Cases and adoptions journey (issue 26): staff of the bureau record a collaboration case with
a partner from the member list and its stages, then an adoption that funded it; the manager
opens the policy tool's review sheet and sees the adoption, the case by stage and the cost per
success case."""

import datetime

import pytest

from projects.models import (
    Adoption,
    Bureau,
    CollaborationCase,
    Membership,
    Organisation,
    OrganisationType,
    Project,
    Role,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PROJECT = "kanto-regional-revitalisation"
TOOL = "regional-consortium-rnd"


@pytest.fixture
def people(reference_data):
    UserFactory(username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF)
    UserFactory(username="manager", role=Role.MANAGER)
    project = Project.objects.get(code=PROJECT)
    for name in ("株式会社多摩精機（架空）", "八王子工業株式会社（架空）"):
        firm = Organisation.objects.create(name=name, type=OrganisationType.FIRM)
        Membership.objects.create(
            organisation=firm, project=project, joined=datetime.date(2006, 4, 1)
        )


def test_staff_record_a_case_and_an_adoption_the_manager_sees_the_review_sheet(new_visit, people):
    staff = new_visit("staff")
    staff.login("staff-kanto")
    page = staff.goto(f"/projects/{PROJECT}/")
    page.get_by_role("link", name="連携事例と採択を見る").click()
    staff.checked("cases")
    page.get_by_role("link", name="連携事例を追加する").click()
    staff.checked("case-form")
    page.get_by_label("事例名").fill("精密部品の共同開発（架空）")
    page.get_by_label("中核となる機関").select_option(label="株式会社多摩精機（架空）")
    page.get_by_label("研究開発：到達年度").select_option("2006")
    page.get_by_label("試作：到達年度").select_option("2007")
    page.get_by_label("製品化：到達年度").select_option("2008")
    page.get_by_label("事業化：到達年度").select_option("2009")
    page.get_by_label("参加機関1", exact=True).select_option(label="八王子工業株式会社（架空）")
    page.get_by_label("参加機関1の役割").fill("共同研究先")
    page.get_by_role("button", name="保存する").click()
    staff.checked("case-saved")
    assert "保存しました" in page.locator(".messages").inner_text()
    rows = page.locator("#case-list tbody").inner_text()
    assert "精密部品の共同開発（架空）" in rows and "共同研究先" in rows and "事業化" in rows
    case = CollaborationCase.objects.get()
    assert case.partners.get().role == "共同研究先"

    page.get_by_role("link", name="採択を追加する").click()
    staff.checked("adoption-form")
    page.get_by_label("施策").select_option(label="地域新生コンソーシアム研究開発事業")
    page.get_by_label("採択年度").select_option("2007")
    page.get_by_label("コンソーシアム名").fill("多摩精機＋１社（架空）")
    page.get_by_label("採択額（円）").fill("60,000,000")
    page.get_by_label("連携事例").select_option(label="精密部品の共同開発（架空）")
    page.get_by_role("button", name="保存する").click()
    staff.checked("adoption-saved")
    assert "多摩精機＋１社（架空）" in page.locator("#adoption-list").inner_text()
    assert Adoption.objects.get().case == case

    manager = new_visit("manager")
    manager.login("manager")
    page = manager.goto(f"/policy-tools/{TOOL}/review/")
    assert "2007年度" in page.locator("#review-years").inner_text()
    stages = page.locator("#review-stages").inner_text()
    assert "事業化\t1" in stages or "事業化 1" in stages
    main = page.locator("main").inner_text()
    assert "60,000,000" in main  # cost per success case: 60,000,000 yen over one case
