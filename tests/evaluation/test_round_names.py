"""Issue 24: evaluation rounds carry an English name, shown in English mode (one helper,
projects.domain.in_active_language), and the evaluation sheet and round roll-up workbooks come
out in English when the request is in English: sheet names, the title block's labels and the
header rows (the data, what users typed, may stay Japanese)."""

import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from evaluation.models import EvaluationCriterion, EvaluationRound, Indicator
from projects.domain import in_active_language
from projects.models import Project
from tests.evaluation.test_export_escaping import world  # noqa: F401
from tests.sheets import header_row

JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def test_a_name_is_shown_in_the_active_language_where_it_has_one():
    with translation.override("en"):
        assert in_active_language("中間評価", "Mid-term evaluation") == "Mid-term evaluation"
        assert in_active_language("中間評価", "") == "中間評価"
    with translation.override("ja"):
        assert in_active_language("中間評価", "Mid-term evaluation") == "中間評価"


@pytest.mark.django_db
def test_the_round_page_names_the_round_in_the_readers_language(client, users, world):  # noqa: F811
    EvaluationRound.objects.update(title="中間評価", name_en="Mid-term evaluation")
    client.force_login(users["manager"])
    url = reverse("round_detail", kwargs={"round_id": world["done"].round_id})
    assert "<h1>中間評価</h1>" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url).content.decode()
    assert "<h1>Mid-term evaluation</h1>" in page and "中間評価" not in page


@pytest.mark.django_db
def test_a_manager_names_a_new_round_in_english(client, users, project):
    from evaluation.services.evaluations import round_create

    criteria = [EvaluationCriterion.objects.create(code="goals", name_ja="目標の達成状況")]
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="最終評価",
        name_en="  Final evaluation ",
        criteria=criteria,
        assignments={project: [users["evaluator"]]},
    )
    assert evaluation_round.name_en == "Final evaluation"
    with translation.override("en"):
        assert str(evaluation_round) == "Final evaluation"
    with translation.override("ja"):
        assert str(evaluation_round) == "最終評価"
    client.force_login(users["manager"])
    form = client.get(reverse("round_create")).content.decode()
    assert 'name="name_en"' in form


def english_workbook(client, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


@pytest.mark.django_db
def test_english_workbooks_have_english_sheets_titles_and_headers(client, users, world):  # noqa: F811
    # The data in English where a record has an English name: the project, the round, the
    # indicators and criteria (what users typed elsewhere may stay Japanese).
    EvaluationRound.objects.update(name_en="Mid-term evaluation")
    Project.objects.update(name_en="Test cluster")
    Indicator.objects.update(name_en=F("code"))
    EvaluationCriterion.objects.update(name_en=F("code"))
    client.force_login(users["manager"])
    done = world["done"]
    urls = [
        reverse("evaluation_sheet_download", args=[done.round_id, done.project.code]),
        reverse("round_rollup_download", args=[done.round_id]),
    ]
    checked = 0
    for url in urls:
        for sheet in english_workbook(client, url).worksheets:
            head = header_row(sheet)
            assert not JAPANESE.search(sheet.title), sheet.title
            frame = [sheet.cell(row=r, column=1).value for r in range(1, head)]
            frame += [sheet.cell(row=r, column=2).value for r in range(2, head)]
            if sheet.title == "Overview":  # labels in column A, data in column B
                frame += [row[0].value for row in sheet.iter_rows(min_row=head)]
            else:
                frame += [cell.value for cell in sheet[head]]
            for text in frame:
                assert not JAPANESE.search(str(text or "")), (sheet.title, text)
                checked += 1
            assert sheet["A1"].value.endswith(sheet.title)
    assert checked > 60
