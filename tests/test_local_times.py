"""Times read in Tokyo (Asia/Tokyo), never in UTC (issue 22, point 9).

A save made at 18:38 in Tokyo is 09:38 UTC in the database. Each test below puts a record's time
at that moment and reads it back wherever it is printed (`__str__` and the admin, the stale-edit
409, the stale workbook's conflict note on the screen and from the command, the project
workbook's change log, table exports, the report workbook's stamp, the API): 18:38 everywhere,
09:38 nowhere. The source scan at the end finds the places no test names: a datetime formatted
anywhere but `projects/times.py` fails it."""

import datetime
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from evaluation.models import ActionItem, MonitoredValue, ProjectEvaluation, WorkflowEvent
from evaluation.renderers.exports import csv_rows, write_workbook
from evaluation.renderers.workbooks import DATA_SHEET, FIRST_ROW, META_SHEET
from evaluation.services.reports import annual_report_create
from projects.times import local_isoformat, local_naive, local_time_label
from tests.factories import IndicatorFactory, staff_of, walk_workflow
from tests.sheets import table as sheet_table

ROOT = Path(__file__).resolve().parent.parent

# 18:38 in Tokyo, 09:38 in UTC: the hour tells which one was printed.
MOMENT = datetime.datetime(2009, 6, 30, 9, 38, tzinfo=datetime.UTC)
TOKYO = "2009-06-30 18:38"
UTC_CLOCK = "09:38"


def tokyo_only(text: str) -> None:
    assert "18:38" in text
    assert UTC_CLOCK not in text


# --- The helper -------------------------------------------------------------------------------


def test_the_label_is_the_screens_form_in_tokyo_time():
    assert local_time_label(MOMENT) == TOKYO
    assert local_time_label(None) == ""
    assert local_isoformat(MOMENT) == "2009-06-30T18:38:00+09:00"
    assert local_naive(MOMENT) == datetime.datetime(2009, 6, 30, 18, 38)


def test_a_naive_time_is_refused_rather_than_guessed():
    with pytest.raises(ValueError):
        local_time_label(datetime.datetime(2009, 6, 30, 9, 38))


# --- Records and screens ----------------------------------------------------------------------


@pytest.fixture
def submitted_plan(plan, users):
    """The plan submitted, its workflow events and its audit history at MOMENT."""
    walk_workflow(plan, "submitted", users, comment="提出します")
    WorkflowEvent.objects.update(at=MOMENT)
    plan.history.update(history_date=MOMENT)
    return plan


@pytest.mark.django_db
def test_a_workflow_event_reads_in_tokyo_time(submitted_plan):
    event = WorkflowEvent.objects.get()
    assert TOKYO in str(event)
    tokyo_only(str(event))


@pytest.mark.django_db
def test_the_admin_lists_and_titles_workflow_events_in_tokyo_time(client, users, submitted_plan):
    client.force_login(users["admin"])
    listing = client.get(reverse("admin:evaluation_workflowevent_changelist"))
    assert listing.status_code == 200
    tokyo_only(listing.content.decode())
    event = WorkflowEvent.objects.get()
    page = client.get(reverse("admin:evaluation_workflowevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert TOKYO in page.content.decode()
    tokyo_only(page.content.decode())
    history = client.get(reverse("admin:evaluation_projectplan_history", args=[submitted_plan.pk]))
    assert history.status_code == 200
    tokyo_only(history.content.decode())


@pytest.mark.django_db
def test_the_plan_page_shows_its_timeline_and_changes_in_tokyo_time(client, users, submitted_plan):
    client.force_login(users["staff"])
    url = reverse("plan_detail", args=[submitted_plan.project.code, submitted_plan.phase.code])
    page = client.get(url)
    assert page.status_code == 200
    assert TOKYO in page.content.decode()
    tokyo_only(page.content.decode())


@pytest.mark.django_db
def test_the_stale_edit_409_names_the_other_save_in_tokyo_time(client, plan, users):
    colleague = staff_of(plan.project.bureau, username="staff-colleague")
    url = reverse("plan_vision_edit", args=[plan.project.code, plan.phase.code])
    form = {"regional_characteristics": "", "development_outlook": "", "version": 1}
    client.force_login(users["staff"])
    assert client.post(url, {**form, "industrial_resources": "先に保存"}).status_code == 302
    plan.history.update(history_date=MOMENT)
    client.force_login(colleague)
    told = client.post(url, {**form, "industrial_resources": "あとから保存"})
    assert told.status_code == 409
    assert TOKYO in told.content.decode()
    tokyo_only(told.content.decode())


# --- The report workbook: its stamp and the stale upload ---------------------------------------


@pytest.fixture
def report(project, users):
    IndicatorFactory(code="sales", name_ja="売上高", unit="yen", entry_money_unit="million")
    return annual_report_create(project=project, fiscal_year=2007, by=users["staff"])


def download(client, report) -> openpyxl.Workbook:
    url = reverse("report_download", args=[report.project.code, report.fiscal_year])
    response = client.get(url)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def with_sales(workbook, value) -> bytes:
    sheet = workbook[DATA_SHEET]
    row = next(r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value == "sales")
    sheet.cell(row=row, column=8, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, report, data: bytes):
    file = io.BytesIO(data)
    file.name = "report.xlsx"
    url = reverse("report_upload", args=[report.project.code, report.fiscal_year])
    return client.post(url, {"file": file})


@pytest.mark.django_db
def test_the_workbook_is_stamped_with_its_tokyo_offset(client, report, users):
    client.force_login(users["staff"])
    meta = dict(download(client, report)[META_SHEET].iter_rows(values_only=True))
    stamp = datetime.datetime.fromisoformat(meta["generated_at"])
    assert meta["generated_at"].endswith("+09:00")
    assert abs(stamp - timezone.now()) < datetime.timedelta(minutes=5)


@pytest.mark.django_db
def test_a_stale_workbooks_conflict_names_the_save_in_tokyo_time(client, report, users, tmp_path):
    """A stale workbook was refused, naming the save since; now (issue 22, case 1) it is merged,
    and the cell both changed is left as saved and listed with who saved it and when."""
    client.force_login(users["staff"])
    first, second = download(client, report), download(client, report)
    assert upload(client, report, with_sales(first, 1)).status_code == 302
    report.history.filter(version=1).update(history_date=MOMENT - datetime.timedelta(hours=1))
    MonitoredValue.history.update(history_date=MOMENT)
    stale = with_sales(second, 2)
    url = reverse("report_upload", args=[report.project.code, report.fiscal_year])
    file = io.BytesIO(stale)
    file.name = "report.xlsx"
    told = client.post(url, {"file": file}, follow=True)
    assert told.status_code == 200
    page = told.content.decode()
    assert f"{users['staff'].username}が{TOKYO}に保存した" in page
    tokyo_only(page)
    # The command prints the same note.
    path = tmp_path / "stale.xlsx"
    path.write_bytes(stale)
    out = io.StringIO()
    call_command("import_annual_report", str(path), "--user", users["staff"].username, stdout=out)
    assert TOKYO in out.getvalue()
    tokyo_only(out.getvalue())
    assert MonitoredValue.objects.get(indicator__code="sales").value == 1_000_000


# --- Files and the API ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_project_workbooks_change_log_reads_in_tokyo_time(client, users, submitted_plan):
    client.force_login(users["staff"])
    response = client.get(reverse("project_workbook", args=[submitted_plan.project.code]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    log = sheet_table(book["変更履歴"])[1:]
    assert log and {row[0] for row in log} == {TOKYO}


def test_table_exports_write_times_in_tokyo_time(tmp_path):
    csv_text = "".join(csv_rows(["日時"], [[MOMENT]]))
    assert TOKYO in csv_text and UTC_CLOCK not in csv_text
    path = tmp_path / "times.xlsx"
    with path.open("wb") as file:
        write_workbook(file, [("日時", ["日時"], [[MOMENT]])])
    cell = sheet_table(openpyxl.load_workbook(path).active)[1][0]
    assert cell == datetime.datetime(2009, 6, 30, 18, 38)


@pytest.mark.django_db
def test_the_api_gives_times_with_the_tokyo_offset(client, users, project):
    from tests.test_permission_matrix import evaluation_objects

    evaluation_objects(project, users)
    ProjectEvaluation.objects.update(consolidated_at=MOMENT)
    ActionItem.objects.update(created_at=MOMENT)
    client.force_login(users["manager"])
    evaluations = client.get(reverse("api_evaluations")).json()["results"]
    assert {e["consolidated_at"] for e in evaluations} - {None} == {"2009-06-30T18:38:00+09:00"}
    items = client.get(reverse("api_action_items")).json()["results"]
    assert items and {i["created_at"] for i in items} == {"2009-06-30T18:38:00+09:00"}


@pytest.mark.django_db
def test_a_backup_keeps_times_with_the_tokyo_offset(tmp_path, submitted_plan):
    import gzip

    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    rows = json.loads(gzip.decompress(path.read_bytes()))
    events = [r for r in rows if r["model"] == "evaluation.workflowevent"]
    assert events and {r["fields"]["at"] for r in events} == {"2009-06-30T18:38:00+09:00"}


# --- The source: no datetime formatted outside projects/times.py -------------------------------

PACKAGES = ("evaluation", "projects", "api", "config")
HELPER = "projects/times.py"

# What prints a datetime in the process's or UTC's clock rather than Tokyo's.
UTC_PRONE = {
    "strftime(": re.compile(r"\bstrftime\("),
    "a %H/%M/%S/%Y directive": re.compile(r"%[HMSYIp]"),
    "a format spec on a value ({x:%…})": re.compile(r"\{[^{}]*:%"),
    ".isoformat() (of anything but localdate())": re.compile(r"(?<!localdate\(\))\.isoformat\("),
    ".date() of a datetime": re.compile(r"\.date\(\)"),
    ".hour / .minute": re.compile(r"\.(hour|minute)\b"),
    "the system clock": re.compile(
        r"\b(date\.today|datetime\.(now|today|utcnow|fromtimestamp|utcfromtimestamp))\("
    ),
}

# (path, line text) → why it is not a moment printed in the wrong clock.
ALLOWED = {
    ("config/backup_json.py", "return o.isoformat()"): (
        "a TimeField's time of day (no utcoffset): no date, no time zone to convert"
    ),
}


def utc_prone_lines(path: str, text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        for what, pattern in UTC_PRONE.items():
            if pattern.search(code) and (path, line.strip()) not in ALLOWED:
                found.append(f"{path}:{number}: {what}: {line.strip()}")
    return found


def source_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" not in path.parts and relative != HELPER:
                yield relative, path.read_text(encoding="utf-8")


def test_no_datetime_is_formatted_outside_the_helper():
    found = [line for path, text in source_files() for line in utc_prone_lines(path, text)]
    assert found == [], "format times with projects/times.py:\n" + "\n".join(found)


def test_each_allowed_line_is_still_there():
    sources = dict(source_files())
    for path, line in ALLOWED:
        assert line in sources[path], (path, line)


@pytest.mark.parametrize(
    "line",
    [
        'f"{self.at:%Y-%m-%d %H:%M}"',
        "moment.strftime(LABEL)",
        "timezone.now().isoformat()",
        "self.created_at.date()",
        "date.today()",
        "datetime.now()",
        "at.hour",
    ],
)
def test_the_scan_finds_a_utc_time(line):
    assert utc_prone_lines("x.py", line)


def test_the_scan_lets_local_dates_and_plain_numbers_pass():
    assert utc_prone_lines("x.py", "timezone.localdate().isoformat()") == []
    assert utc_prone_lines("x.py", 'f"{rate:.1f}%" and "%(year)s年度" % {"year": 2006}') == []


def test_templates_do_not_switch_to_utc():
    """Templates convert to the current time zone by themselves unless told not to."""
    wrong = re.compile(r"localtime\s+off|\|\s*utc\b|timezone\s+[\"']UTC")
    found = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if wrong.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
