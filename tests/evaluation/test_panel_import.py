"""Importing firms' yearly figures for the constant panel: all or nothing, problems with their
line, scoped to the importer's bureau, audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from evaluation.models import PanelFigure, PanelFirm
from evaluation.services.panel import panel_figures_import

pytestmark = pytest.mark.django_db
HEADER = "project,firm,fiscal_year,sales_yen,employees,net_profit_yen\n"


def test_import_writes_figures_and_blank_is_unknown(project, users):
    text = HEADER + f'{project.code},f1,2005,"1,000",１２,-5\n{project.code},f1,2006,,10,3\n'
    assert panel_figures_import(text="\ufeff" + text, by=users["staff"]) == 2
    figures = {f.fiscal_year: f for f in PanelFigure.objects.all()}
    assert (figures[2005].sales_yen, figures[2005].employees, figures[2005].net_profit_yen) == (
        1000,
        12,
        -5,
    )
    assert figures[2006].sales_yen is None
    assert figures[2005].history.get().history_user == users["staff"]
    assert PanelFirm.objects.get().history.get().history_user == users["staff"]


def test_a_second_import_updates_rather_than_duplicates(project, users):
    panel_figures_import(text=HEADER + f"{project.code},f1,2005,100,1,1\n", by=users["manager"])
    panel_figures_import(text=HEADER + f"{project.code},f1,2005,200,1,1\n", by=users["manager"])
    assert PanelFigure.objects.get().sales_yen == 200


def test_bad_rows_are_listed_and_nothing_changes(project, users):
    text = HEADER + (
        f"{project.code},f1,2005,100,1,1\n"
        f"{project.code},f2,2005,abc,1,1\n"
        f"{project.code},f3,2005,-1,1,1\n"
        f"{project.code},f4,2005,1.5,1,1\n"
        "nowhere,f5,2005,1,1,1\n"
        f"{project.code},f1,2005,100,1,1\n"
    )
    with pytest.raises(ValidationError) as error:
        panel_figures_import(text=text, by=users["manager"])
    messages = error.value.messages
    assert any(m.startswith("3行目") and "数値として認識できません" in m for m in messages)
    assert any(m.startswith("4行目") and "マイナス" in m for m in messages)
    assert any(m.startswith("5行目") and "整数" in m for m in messages)
    assert any(m.startswith("6行目") and "nowhere" in m for m in messages)
    assert any(m.startswith("7行目") and "重複" in m for m in messages)
    assert not PanelFigure.objects.exists() and not PanelFirm.objects.exists()


def test_staff_import_only_their_bureaus_projects(project, users):
    with pytest.raises(ValidationError):
        panel_figures_import(
            text=HEADER + f"{project.code},f1,2005,1,1,1\n", by=users["other_staff"]
        )
    for role in ("evaluator", "admin"):
        with pytest.raises(PermissionDenied):
            panel_figures_import(text=HEADER, by=users[role])
    assert not PanelFigure.objects.exists()


def test_wrong_header_is_refused(users):
    with pytest.raises(ValidationError) as error:
        panel_figures_import(text="a,b\n1,2\n", by=users["manager"])
    assert "見出し行" in str(error.value)


def test_command(project, users, tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text(HEADER + f"{project.code},f1,2005,1,1,1\n", encoding="utf-8")
    call_command("import_panel_figures", str(path), "--user", "manager")
    assert PanelFigure.objects.count() == 1
    path.write_text(HEADER + "nowhere,f1,2005,1,1,1\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_panel_figures", str(path), "--user", "manager")
