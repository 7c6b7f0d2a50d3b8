"""`manage.py backup` and `manage.py restore`: everything, audit history included, comes back
with the same ids, so that reports and exports are the same before and after. Runs on whichever
engine DATABASE_URL selects (CI runs it on SQLite and on PostgreSQL)."""

import gzip
import io
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evaluation.models import ActionItem, AnnualReport, MonitoredValue, ProjectEvaluation
from projects.models import Project, SubRegion, User

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def load_demo_data():
    call_command("load_reference", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    # History of a row that no longer exists must survive too.
    SubRegion.objects.filter(pk=SubRegion.objects.order_by("pk").last().pk).delete()


def workbook_cells(data: bytes):
    """Every sheet's visibility and cell values, but for the time of the download itself
    (`_meta`'s generated_at and the title block's 作成日時 line; the file's own properties are
    not read)."""
    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: (
            sheet.sheet_state,
            [
                [cell.value for cell in row]
                for row in sheet.iter_rows()
                if row[0].value != "generated_at"
                and not any(str(cell.value or "").startswith("作成日時") for cell in row)
            ],
        )
        for sheet in book.worksheets
    }


def reports_and_exports(client):
    """What a manager sees: every annual report and its workbook, the tracking matrices, the
    submission board, the overall plan, the national roll-up, the evaluation sheets and round
    roll-ups, and the action items with their history."""
    client.force_login(User.objects.get(username="manager"))
    seen = {}

    def page(url):
        response = client.get(url)
        seen[url] = (response.status_code, CSRF.sub(b"", response.content))

    for report in AnnualReport.objects.select_related("project").order_by("pk"):
        args = [report.project.code, report.fiscal_year]
        page(reverse("report_detail", args=args))
        response = client.get(reverse("report_download", args=args))
        seen["workbook", *args] = (response.status_code, workbook_cells(response.content))
    for code in Project.objects.order_by("code").values_list("code", flat=True):
        page(reverse("tracking_matrix", args=[code]))
    page(reverse("submission_board"))
    page(reverse("overall_plan_detail", args=["II"]))
    page(reverse("national_rollup"))
    for evaluation in ProjectEvaluation.objects.select_related("project").order_by("pk"):
        page(evaluation.get_absolute_url())
        page(reverse("round_rollup", args=[evaluation.round_id]))
    for item in ActionItem.objects.order_by("pk"):
        page(item.get_absolute_url())
    page(reverse("action_item_list"))
    return seen


def dumped(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = json.load(f)
    return sorted(rows, key=lambda row: (row["model"], str(row["pk"])))


def test_backup_then_restore_into_an_empty_database_gives_back_everything(client, tmp_path):
    """The round trip, and two checks of the same backup on the way (they had a test of their
    own, which loaded the demo and made a backup a second time: 20–25 s of the suite): its times
    are Tokyo times to the microsecond, and restoring it over the data it came from is refused
    and changes nothing."""
    load_demo_data()
    before = reports_and_exports(client)
    workbooks = [key for key in before if key[0] == "workbook"]
    assert len(workbooks) == AnnualReport.objects.count() > 0
    assert all(status == 200 for status, _ in before.values())
    history = MonitoredValue.history.count()
    assert history > 0 and SubRegion.history.filter(history_type="-").exists()

    backup = tmp_path / "backup.json.gz"
    call_command("backup", str(backup), stdout=io.StringIO())
    times_are_tokyo_to_the_microsecond(backup)
    restore_over_data_is_refused(backup)
    call_command("flush", interactive=False, verbosity=0)
    assert not AnnualReport.objects.exists() and not User.objects.exists()

    call_command("restore", str(backup), stdout=io.StringIO())

    # The database itself: a backup of the restored one is the first, row for row, id for id.
    again = tmp_path / "again.json.gz"
    call_command("backup", str(again), stdout=io.StringIO())
    assert dumped(again) == dumped(backup)
    assert MonitoredValue.history.count() == history
    assert SubRegion.history.filter(history_type="-").exists()
    # And what people read and download from it.
    after = reports_and_exports(client)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key


def times_are_tokyo_to_the_microsecond(backup):
    report = AnnualReport.objects.order_by("pk").first()
    stamp = report.created_at
    row = next(
        r
        for r in dumped(backup)
        if r["model"] == "evaluation.annualreport" and r["pk"] == report.pk
    )
    assert row["fields"]["created_at"] == timezone.localtime(stamp).isoformat()
    assert row["fields"]["created_at"].endswith("+09:00")  # Tokyo time, with its offset


def test_a_backup_of_an_older_release_is_refused_with_a_clear_message(tmp_path):
    """A file written before a NOT NULL column was added (here the kept place of a project
    evaluation, evaluation 0031) does not load into this release: the error says to restore
    with the release that made it and then upgrade, and nothing is loaded."""
    old = tmp_path / "old.json"
    fields = {"round": 1, "project": 1, "state": "in_progress"}  # no round_fiscal_year, …
    old.write_text(
        json.dumps([{"model": "evaluation.projectevaluation", "pk": 1, "fields": fields}]),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="そのリリースで復元してから") as raised:
        call_command("restore", str(old), stdout=io.StringIO())
    assert "round_fiscal_year" in str(raised.value)  # the column, named by either engine
    assert not ProjectEvaluation.objects.exists()
    assert ContentType.objects.exists() and Permission.objects.exists()  # rolled back, not lost


def restore_over_data_is_refused(backup):
    reports = AnnualReport.objects.count()
    with pytest.raises(CommandError, match="空ではありません"):
        call_command("restore", str(backup), stdout=io.StringIO())
    assert AnnualReport.objects.count() == reports
