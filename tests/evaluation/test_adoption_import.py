"""The import of an adoption list (issue 26): preview changes nothing, apply is all or nothing,
hostile rows are refused with their line, another bureau's project is refused."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import (
    Adoption,
    CollaborationCase,
    Membership,
    Organisation,
    OrganisationType,
    PolicyTool,
)

pytestmark = pytest.mark.django_db

HEADER = "施策,採択年度,採択先,コンソーシアム名,採択額（円）,テーマ,連携事例\r\n"


@pytest.fixture
def world(project):
    tool = PolicyTool.objects.create(
        code="regional-consortium-rnd", name_ja="地域新生コンソーシアム研究開発事業"
    )
    firm = Organisation.objects.create(name="株式会社東洋ボデー", type=OrganisationType.FIRM)
    Membership.objects.create(organisation=firm, project=project, joined=datetime.date(2006, 4, 1))
    case = CollaborationCase.objects.create(project=project, title="アルミ製トラックボディー")
    return tool, firm, case


def upload(client, project, text, name="list.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("adoption_import", args=[project.code]),
        {"file": SimpleUploadedFile(name, data)},
    )


GOOD = (
    HEADER
    + "地域新生コンソーシアム研究開発事業,2006年度,㈱東洋ボデー,,60000000,軽量化,"
    + "アルミ製トラックボディー\r\n"
    + 'regional-consortium-rnd,2007,,札幌連携体,"1,500,000",,\r\n'
)


def test_preview_changes_nothing_then_apply_adds_every_row(client, users, project, world):
    tool, firm, case = world
    client.force_login(users["staff"])
    preview = upload(client, project, GOOD)
    assert preview.status_code == 200
    assert "2行・取込不可0行" in preview.content.decode()
    assert not Adoption.objects.exists()
    token = preview.context["preview"].token
    done = client.post(
        reverse("adoption_import_apply", args=[project.code]), {"token": token, "source": "a"}
    )
    assert done.status_code == 302
    rows = list(Adoption.objects.order_by("fiscal_year"))
    assert [(a.fiscal_year, a.organisation, a.consortium_name, a.amount_yen) for a in rows] == [
        (2006, firm, "", 60_000_000),
        (2007, None, "札幌連携体", 1_500_000),
    ]
    assert rows[0].case == case
    assert rows[0].history.get().history_user == users["staff"]


def test_an_xlsx_list_is_read(client, users, project, world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["施策", "採択年度", "コンソーシアム名", "採択額（円）"])
    sheet.append(["地域新生コンソーシアム研究開発事業", 2008, "函館連携体", 2_000_000])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(users["staff"])
    preview = upload(client, project, buffer.getvalue(), "list.xlsx")
    assert preview.status_code == 200
    assert preview.context["preview"].applicable


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("未知の施策,2006,,連携体,100,,", "施策「未知の施策」が見つかりません"),
        (
            "regional-consortium-rnd,二〇〇六,,連携体,100,,",
            "採択年度「二〇〇六」を年度として認識できません",
        ),
        ("regional-consortium-rnd,2006,,連携体,-5,,", "0円以上"),
        ("regional-consortium-rnd,2006,,連携体,1.5,,", "円単位の整数"),
        ("regional-consortium-rnd,2006,,連携体,NaN,,", "円単位の整数"),
        ("regional-consortium-rnd,2006,,連携体,=1+1,,", "数式は読み込みません"),
        ("regional-consortium-rnd,2006,他地域の会社,,100,,", "会員名簿にありません"),
        ("regional-consortium-rnd,2006,,,100,,", "どちらかを入力してください"),
        ("regional-consortium-rnd,2006,,連携体,100,,無い事例", "連携事例「無い事例」"),
    ],
)
def test_a_hostile_row_refuses_the_whole_list(client, users, project, world, row, message):
    client.force_login(users["staff"])
    preview = upload(client, project, GOOD + row + "\r\n")
    page = preview.content.decode()
    assert message in page
    assert not preview.context["preview"].applicable
    done = client.post(
        reverse("adoption_import_apply", args=[project.code]),
        {"token": preview.context["preview"].token},
    )
    assert done.status_code == 400
    assert "4行目" in done.content.decode()
    assert not Adoption.objects.exists()


def test_a_file_that_is_not_a_list_is_refused(client, users, project, world):
    client.force_login(users["staff"])
    response = upload(client, project, "名前,金額\r\nA,1\r\n")
    assert response.status_code == 400
    assert "必要な列がありません" in response.content.decode()


def test_another_bureau_is_refused(client, users, project, world):
    client.force_login(users["staff"])
    token = upload(client, project, GOOD).context["preview"].token
    client.force_login(users["other_staff"])
    url = reverse("adoption_import_apply", args=[project.code])
    assert client.post(url, {"token": token}).status_code == 404
    assert upload(client, project, GOOD).status_code == 404
    client.force_login(users["manager"])
    assert client.post(url, {"token": token}).status_code == 403
    assert not Adoption.objects.exists()


def test_a_token_of_another_project_is_refused(client, users, project, world):
    from tests.factories import ProjectFactory

    sibling = ProjectFactory(bureau=project.bureau, phase=project.phase, code="sibling")
    client.force_login(users["staff"])
    token = upload(client, sibling, GOOD.replace("㈱東洋ボデー", "")).context["preview"].token
    response = client.post(reverse("adoption_import_apply", args=[project.code]), {"token": token})
    assert response.status_code == 400
    assert "別のプロジェクト" in response.content.decode()
    assert not Adoption.objects.exists()
