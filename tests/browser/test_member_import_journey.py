"""Member list journey: staff of the bureau upload a member list, see the preview (nothing
changed yet), choose for the row that needs a choice, apply, and see the member list; staff of
another bureau see the counts only."""

import pytest

from projects.models import Bureau, Membership, Organisation, OrganisationType, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PROJECT = "kanto-regional-revitalisation"
CSV = (
    "名称,種別,法人番号,所在地,参画日\r\n"
    "株式会社多摩精機（架空）,企業,,東京都八王子市館町1-1,2006-04-01\r\n"
    "国立大学法人東京農工大学,大学,,東京都府中市晴見町3-8-1,2007/3/31\r\n"
    "八王子商工会議所,商工会議所,,東京都八王子市大横町11-1,2006年度\r\n"
)


@pytest.fixture
def people(reference_data):
    UserFactory(username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF)
    UserFactory(username="staff-kinki", bureau=Bureau.objects.get(code="kinki"), role=Role.STAFF)
    # an organisation already known under a near name: the preview asks
    Organisation.objects.create(
        name="東京農工大学", normalised_name="東京農工大学", type=OrganisationType.UNIVERSITY
    )


def test_upload_preview_apply_and_see_the_list(new_visit, people, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(CSV.encode("utf-8-sig"))
    staff = new_visit("staff")
    staff.login("staff-kanto")
    page = staff.goto(f"/projects/{PROJECT}/members/")
    page.get_by_role("link", name="名簿を取り込む").click()
    page.get_by_label("会員名簿（.xlsxまたは.csv）").set_input_files(str(path))
    page.get_by_role("button", name="確認する").click()
    staff.checked("preview")
    assert "新規2件・一致0件・要選択1件" in page.locator("#preview-counts").inner_text()
    assert Membership.objects.count() == 0  # the preview changed nothing

    page.get_by_label("東京農工大学（類似度").check()
    page.get_by_role("button", name="反映する").click()
    staff.checked("applied")
    assert "会員の追加3件" in page.locator(".messages").inner_text()
    rows = page.locator("#member-rows tbody").inner_text()
    assert "株式会社多摩精機（架空）" in rows and "東京農工大学" in rows
    assert Organisation.objects.filter(type=OrganisationType.UNIVERSITY).count() == 1
    counts = page.locator("#member-counts").inner_text()
    assert "合計（延べ）" in counts

    other = new_visit("other")
    other.login("staff-kinki")
    page = other.goto(f"/projects/{PROJECT}/members/")
    assert "会員数だけを表示しています" in page.locator("main").inner_text()
    assert "株式会社多摩精機" not in page.locator("main").inner_text()
