"""The annual report's entry screen as a grid (issue 24): one table row per indicator with its
value, kind, unit, note and comment; notes in text areas; the parts by sub-region in a row of
their own under the indicator's; and without the script, a plain post of the same names saves."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import MonitoredValue, ValueKind
from evaluation.services.reports import annual_report_create
from projects.models import SubRegion
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(project, users):
    for code, name, category in [
        ("firms", "参画企業数", "a"),
        ("meetings", "研究会の開催回数", "b"),
        ("started", "新事業開始件数", "d"),
    ]:
        IndicatorFactory(code=code, name_ja=name, category=category)
    SubRegion.objects.create(project=project, name_ja="TAMA", order=1)
    return annual_report_create(project=project, fiscal_year=2007, by=users["staff"])


def edit_url(report):
    return reverse("report_edit", args=[report.project.code, report.fiscal_year])


def test_the_form_is_a_table_with_one_row_per_indicator(client, report, users):
    client.force_login(users["staff"])
    page = client.get(edit_url(report)).content.decode()
    rows = re.findall(r'<tr id="row-([\w-]+)" data-grid-row', page)
    assert rows == ["firms", "meetings", "started"]
    form = page.split('<form method="post" class="form"')[1].split(">")[0]
    assert "data-warn-unsaved" in form and 'data-grid="value kind note comment"' in form
    for code in rows:
        row = page.split(f'<tr id="row-{code}"')[1].split("</tr>")[0]
        assert re.search(rf'data-grid-col="value">.*<input[^>]*name="value-{code}"', row, re.S)
        assert re.search(rf'data-grid-col="kind">.*<select[^>]*name="kind-{code}"', row, re.S)
        assert re.search(rf'<textarea[^>]*name="note-{code}"[^>]*rows="2"', row, re.S)
        assert re.search(rf'<textarea[^>]*name="comment-{code}"', row, re.S)
    parts = page.split('<tr class="grid-parts">')[1].split("</tr>")[0]
    assert "<details" in parts and 'name="part-firms-' in parts  # the breakdown stays reachable
    assert re.search(r'<script src="/static/js/forms\.js[^"]*" defer>', page)


def test_a_plain_post_without_the_script_saves(client, report, users):
    client.force_login(users["staff"])
    data = {"version": report.version, "comment": ""}
    for code, value in [("firms", "36"), ("meetings", "1,234"), ("started", "１８２５")]:
        data |= {
            f"kind-{code}": "unknown",  # left at 未把握: a typed number is taken as a number
            f"value-{code}": value,
            f"note-{code}": "デモデータ（自動生成）\n二行目",
            f"comment-{code}": "",
        }
    response = client.post(edit_url(report), data, follow=True)
    assert "年度報告を保存しました" in response.content.decode()
    saved = MonitoredValue.objects.filter(project=report.project, fiscal_year=2007)
    by_code = {v.indicator.code: v for v in saved.select_related("indicator")}
    assert {c: v.value for c, v in by_code.items()} == {
        "firms": Decimal(36),
        "meetings": Decimal(1234),
        "started": Decimal(1825),
    }
    assert all(v.kind == ValueKind.NUMBER for v in by_code.values())
    assert by_code["firms"].source_note == "デモデータ（自動生成）\n二行目"
