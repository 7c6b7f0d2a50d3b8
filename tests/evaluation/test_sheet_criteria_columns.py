"""Issue 24 (the sheet workbook): the evaluators' ratings in the sheet xlsx have one column per
criterion, headed by the criterion's name, instead of every grade packed into one cell."""

import io

import openpyxl
import pytest
from django.urls import reverse

from evaluation.models import EvaluationCriterion
from evaluation.services.evaluations import rating_save, round_create
from projects.models import Role
from tests.factories import UserFactory
from tests.sheets import table

pytestmark = pytest.mark.django_db


def test_one_column_per_criterion(client, users, project):
    criteria = [
        EvaluationCriterion.objects.create(code="target-achievement", name_ja="目標の達成状況"),
        EvaluationCriterion.objects.create(code="network-formation", name_ja="ネットワークの形成"),
    ]
    second = UserFactory(username="evaluator-2", role=Role.EVALUATOR)
    evaluation = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価",
        criteria=criteria,
        assignments={project: [users["evaluator"], second]},
    ).evaluations.get()
    for who, grades in ((users["evaluator"], ("C", "B")), (second, ("A", "S"))):
        rating_save(
            evaluation=evaluation,
            by=who,
            expected_version=0,
            overall_grade="B",
            findings="",
            recommendations="",
            grades={c.pk: g for c, g in zip(criteria, grades, strict=True)},
        )
    client.force_login(users["manager"])
    url = reverse("evaluation_sheet_download", args=[evaluation.round_id, "kanto-regional"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
    rows = [tuple(r) for r in table(book["評価委員の評価"])]
    header = rows[0]
    assert header[:2] == ("評価委員", "総合評価") and header[-2:] == ("所見", "提言")
    assert sorted(header[2:4]) == sorted(["目標の達成状況", "ネットワークの形成"])
    by_user = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_user["evaluator"]["目標の達成状況"] == "C"
    assert by_user["evaluator"]["ネットワークの形成"] == "B"
    assert by_user["evaluator-2"]["目標の達成状況"] == "A"
    assert by_user["evaluator-2"]["ネットワークの形成"] == "S"
