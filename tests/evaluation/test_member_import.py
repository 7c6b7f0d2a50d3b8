"""Import of a project's member list: preview changes nothing, apply is all or nothing and
audited, another bureau is refused, hostile files are refused with the database unchanged."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from evaluation.renderers import member_lists
from evaluation.renderers.member_lists import read_member_list
from evaluation.renderers.workbooks import WorkbookRefused
from evaluation.services import registry
from projects.models import Membership, Organisation, OrganisationType

pytestmark = pytest.mark.django_db

HEADER = ["名称", "種別", "法人番号", "所在地", "参画日"]
ROWS = [
    ["株式会社多摩精機", "企業", "", "東京都八王子市館町1-1", "2006-04-01"],
    ["国立大学法人東京農工大学", "大学", "", "東京都府中市晴見町3-8-1", "2006/4/1"],
    ["八王子市", "自治体", "", "東京都八王子市元本郷町3-24-1", "2006年度"],
    ["国税庁", "その他", "7000012050002", "東京都千代田区霞が関3-1-1", "2007年3月31日"],
]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot():
    return (
        sorted(Organisation.objects.values_list("pk", "name", "corporate_number")),
        sorted(Membership.objects.values_list("pk", "organisation_id", "joined")),
        Organisation.history.count(),
        Membership.history.count(),
    )


def org(name, type=OrganisationType.FIRM, **kwargs):
    organisation = Organisation(name=name, type=type, **kwargs)
    organisation.full_clean()
    organisation.save()
    return organisation


# --- reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_a_csv_is_read_in_each_encoding_excel_writes(encoding):
    rows = read_member_list(csv_bytes(ROWS, encoding=encoding))
    assert [r.name for r in rows] == [r[0] for r in ROWS]
    assert [r.joined for r in rows] == [
        datetime.date(2006, 4, 1),
        datetime.date(2006, 4, 1),
        datetime.date(2006, 4, 1),
        datetime.date(2007, 3, 31),
    ]
    assert rows[0].prefecture == "東京都" and rows[0].municipality == "八王子市"
    assert rows[3].corporate_number == "7000012050002"
    assert [r.type for r in rows] == ["firm", "university", "government", "other"]
    assert all(not r.problems for r in rows)


def test_an_xlsx_is_read_with_date_cells():
    rows = read_member_list(xlsx_bytes([["㈱青葉", "企業", "", "", datetime.date(2008, 5, 1)]]))
    assert rows[0].joined == datetime.date(2008, 5, 1)


def test_a_formula_cell_is_refused_and_never_evaluated():
    rows = read_member_list(
        xlsx_bytes([['=HYPERLINK("http://x","a")', "企業", "", "", "2006-04-01"]])
    )
    assert rows[0].name == ""
    assert any("数式" in p for p in rows[0].problems)


def test_a_formula_like_text_in_a_csv_is_refused():
    rows = read_member_list(csv_bytes([["=1+2", "企業", "", "", "2006-04-01"]]))
    assert any("数式" in p for p in rows[0].problems)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["", "企業", "", "", "2006-04-01"], "名称がありません"),
        (["甲", "宇宙人", "", "", "2006-04-01"], "種別「宇宙人」"),
        (["甲", "企業", "7000012050003", "", "2006-04-01"], "チェックデジット"),
        (["甲", "企業", "", "", "昔"], "参画日「昔」"),
        (["甲", "企業", "", "", "2999-04-01"], "今日以前"),
        (["甲", "企業", "", "", ""], "参画日がありません"),
    ],
)
def test_a_bad_row_is_refused_with_its_reason(row, reason):
    rows = read_member_list(csv_bytes([row]))
    assert any(reason in p for p in rows[0].problems), rows[0].problems


def test_duplicate_rows_are_reported_naming_the_first():
    rows = read_member_list(
        csv_bytes(
            [
                ["株式会社多摩精機", "企業", "", "", "2006-04-01"],
                ["㈱ 多摩精機", "企業", "", "", "2007-04-01"],
            ]
        )
    )
    assert rows[0].problems == []
    assert any("2行目と同じ組織" in p for p in rows[1].problems)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "空"),
        (b"x" * (member_lists.MAX_FILE_BYTES + 1), "大きすぎ"),
        ("氏名,電話\r\n山田,03\r\n".encode(), "必要な列がありません"),
        (b"\xff\xfe\x00\x00\xff\xff\x81", "文字コード"),
        (b"PK\x03\x04garbage", "Excel"),
        (csv_bytes([]), "会員の行がありません"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(data, reason):
    with pytest.raises(WorkbookRefused) as refused:
        read_member_list(data)
    assert reason in str(refused.value)


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(member_lists, "MAX_ROWS", 3)
    with pytest.raises(WorkbookRefused, match="行が多すぎます"):
        read_member_list(csv_bytes(ROWS))


# --- preview and apply ----------------------------------------------------------------------


def test_preview_matches_by_number_and_name_and_changes_nothing(project, users):
    tax = org("国税庁（旧表記）", OrganisationType.OTHER, corporate_number="7000012050002")
    tama = org("株式会社 多摩精機")
    before = snapshot()
    preview = registry.member_list_preview(project=project, data=csv_bytes(ROWS), by=users["staff"])
    assert snapshot() == before
    status = {r.row.name: (r.status, r.organisation) for r in preview.rows}
    assert status["国税庁"] == (registry.MATCHED, tax)  # by number, whatever the name
    assert status["株式会社多摩精機"] == (registry.MATCHED, tama)  # by normalised name
    assert status["八王子市"] == (registry.NEW, None)
    assert preview.applicable


def test_apply_writes_everything_audited_with_a_count(project, users):
    org("株式会社多摩精機")
    preview = registry.member_list_preview(project=project, data=csv_bytes(ROWS), by=users["staff"])
    applied = registry.member_list_apply(
        project=project, token=preview.token, choices={}, by=users["staff"], source="list.csv"
    )
    assert (applied.organisations_created, applied.memberships_created) == (3, 4)
    assert Membership.objects.filter(project=project).count() == 4
    assert Membership.objects.at_year_end(2006).filter(project=project).count() == 4
    record = Membership.history.filter(organisation__name="八王子市").get()
    assert record.history_user == users["staff"]
    assert "list.csv" in record.history_change_reason
    # the same list again changes nothing
    again = registry.member_list_preview(project=project, data=csv_bytes(ROWS), by=users["staff"])
    assert {r.status for r in again.rows} == {registry.UNCHANGED}
    assert not again.applicable


def test_a_refused_row_refuses_the_whole_list(project, users):
    rows = [*ROWS, ["甲", "宇宙人", "", "", "2006-04-01"]]
    preview = registry.member_list_preview(project=project, data=csv_bytes(rows), by=users["staff"])
    assert not preview.applicable
    before = snapshot()
    with pytest.raises(WorkbookRefused, match="5行目|6行目"):
        registry.member_list_apply(
            project=project, token=preview.token, choices={}, by=users["staff"]
        )
    assert snapshot() == before


def test_a_failure_half_way_leaves_nothing_written(project, users, monkeypatch):
    preview = registry.member_list_preview(project=project, data=csv_bytes(ROWS), by=users["staff"])
    before = snapshot()
    real = registry.bulk_create_with_history

    def fail_on_memberships(objs, model, **kwargs):
        if model is Membership:
            raise RuntimeError("disk full")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(registry, "bulk_create_with_history", fail_on_memberships)
    with pytest.raises(RuntimeError):
        registry.member_list_apply(
            project=project, token=preview.token, choices={}, by=users["staff"]
        )
    assert snapshot() == before  # the organisations created first are gone too


def test_an_ambiguous_row_waits_for_a_choice(project, users):
    first = org("株式会社多摩精機", prefecture="東京都")
    org("㈱多摩精機", prefecture="神奈川県")  # two organisations of one name
    data = csv_bytes([ROWS[0]])
    preview = registry.member_list_preview(project=project, data=data, by=users["staff"])
    (row,) = preview.rows
    assert row.status == registry.AMBIGUOUS and len(row.candidates) == 2
    with pytest.raises(WorkbookRefused, match="選んでください"):
        registry.member_list_apply(
            project=project, token=preview.token, choices={}, by=users["staff"]
        )
    registry.member_list_apply(
        project=project, token=preview.token, choices={2: str(first.pk)}, by=users["staff"]
    )
    assert Membership.objects.get(project=project).organisation == first


def test_a_near_name_is_offered_as_did_you_mean(project, users):
    near = org("株式会社多摩精機製作所")
    preview = registry.member_list_preview(
        project=project, data=csv_bytes([ROWS[0]]), by=users["staff"]
    )
    (row,) = preview.rows
    assert row.status == registry.AMBIGUOUS
    assert row.candidates[0].id == near.pk and "類似度" in row.candidates[0].note
    registry.member_list_apply(
        project=project, token=preview.token, choices={2: "new"}, by=users["staff"]
    )
    assert Organisation.objects.filter(normalised_name="株式会社多摩精機").exists()


def test_another_bureau_is_refused(project, users):
    with pytest.raises(PermissionDenied):
        registry.member_list_preview(project=project, data=csv_bytes(ROWS), by=users["other_staff"])
    preview = registry.member_list_preview(project=project, data=csv_bytes(ROWS), by=users["staff"])
    before = snapshot()
    with pytest.raises(PermissionDenied):
        registry.member_list_apply(
            project=project, token=preview.token, choices={}, by=users["other_staff"]
        )
    assert snapshot() == before


def test_a_token_of_another_project_is_refused(project, users):
    from tests.factories import ProjectFactory

    sibling = ProjectFactory(bureau=project.bureau, phase=project.phase, code="sibling")
    preview = registry.member_list_preview(project=sibling, data=csv_bytes(ROWS), by=users["staff"])
    with pytest.raises(WorkbookRefused, match="別のプロジェクト"):
        registry.member_list_apply(
            project=project, token=preview.token, choices={}, by=users["staff"]
        )
    with pytest.raises(WorkbookRefused, match="確認できません"):
        registry.member_list_apply(
            project=project, token=preview.token + "x", choices={}, by=users["staff"]
        )


# --- the screens ----------------------------------------------------------------------------


def test_the_screens_preview_then_apply(client, project, users):
    client.force_login(users["staff"])
    url = reverse("member_import", args=[project.code])
    page = client.post(url, {"file": SimpleUploadedFile("list.csv", csv_bytes(ROWS))})
    assert page.status_code == 200
    assert Membership.objects.count() == 0
    text = page.content.decode()
    assert "新規4件" in text
    token = page.context["apply_form"].initial["token"]
    done = client.post(
        reverse("member_import_apply", args=[project.code]), {"token": token, "source": "list.csv"}
    )
    assert done.status_code == 302
    assert Membership.objects.filter(project=project).count() == 4
    listing = client.get(done.url)
    assert "会員の追加4件" in listing.content.decode()
    assert "株式会社多摩精機" in listing.content.decode()


def test_a_hostile_upload_shows_its_reasons_and_changes_nothing(client, project, users):
    client.force_login(users["staff"])
    before = snapshot()
    page = client.post(
        reverse("member_import", args=[project.code]),
        {"file": SimpleUploadedFile("x.csv", "氏名\r\n山田\r\n".encode())},
    )
    assert page.status_code == 400
    assert "必要な列がありません" in page.content.decode()
    assert snapshot() == before


def test_another_bureau_cannot_open_the_import(client, project, users):
    client.force_login(users["other_staff"])
    assert client.get(reverse("member_import", args=[project.code])).status_code == 403
    response = client.post(
        reverse("member_import", args=[project.code]),
        {"file": SimpleUploadedFile("list.csv", csv_bytes(ROWS))},
    )
    assert response.status_code == 403
    assert Organisation.objects.count() == 0


# --- the command ----------------------------------------------------------------------------


def test_the_command_previews_then_applies(project, users, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(ROWS))
    out = io.StringIO()
    call_command("import_members", project.code, str(path), user="staff-own", stdout=out)
    assert "確認のみ" in out.getvalue() and Membership.objects.count() == 0
    call_command("import_members", project.code, str(path), "--apply", user="staff-own", stdout=out)
    assert Membership.objects.filter(project=project).count() == 4


def test_the_command_refuses_another_bureau_and_a_bad_list(project, users, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([*ROWS, ROWS[0]]))  # a duplicate row
    with pytest.raises(CommandError):
        call_command(
            "import_members",
            project.code,
            str(path),
            "--apply",
            user="staff-own",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    with pytest.raises(CommandError, match="変更できません"):
        call_command(
            "import_members", project.code, str(path), user="staff-other", stdout=io.StringIO()
        )
    assert Membership.objects.count() == 0
