"""Evaluators at their pace (issue 23, part 6): a rating can be saved as a draft with grades left
blank and finished later (every grade needed to finish); the rating form sits on the sheet."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.models import CriterionGrade, EvaluationCriterion, EvaluatorRating
from evaluation.services.evaluations import rating_save, round_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(project, users):
    criteria = [
        EvaluationCriterion.objects.create(code=f"c{n}", name_ja=f"観点{n}") for n in range(6)
    ]
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価（2008年度）",
        criteria=criteria,
        assignments={project: [users["evaluator"]]},
    )
    return evaluation_round.evaluations.get()


def save(evaluation, user, grades, overall="", finish=True, version=0):
    return rating_save(
        evaluation=evaluation,
        by=user,
        expected_version=version,
        overall_grade=overall,
        findings="途中の所見",
        recommendations="",
        grades=grades,
        finish=finish,
    )


def test_a_draft_keeps_a_partial_rating(evaluation, users):
    first_two = {c.pk: "A" for c in evaluation.round.criteria.all()[:2]}
    rating = save(evaluation, users["evaluator"], first_two, finish=False)
    assert rating.is_draft and rating.overall_grade == ""
    assert CriterionGrade.objects.filter(rating=rating).count() == 2


def test_finishing_needs_every_grade_and_writes_nothing_without(evaluation, users):
    criteria = list(evaluation.round.criteria.all())
    with pytest.raises(ValidationError) as refused:
        save(evaluation, users["evaluator"], {c.pk: "A" for c in criteria[:5]}, overall="A")
    assert "観点5" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        save(evaluation, users["evaluator"], {c.pk: "A" for c in criteria})  # no overall
    assert "総合評価" in str(refused.value)
    assert not EvaluatorRating.objects.exists()


def test_a_draft_is_finished_later(evaluation, users):
    criteria = list(evaluation.round.criteria.all())
    draft = save(evaluation, users["evaluator"], {criteria[0].pk: "B"}, finish=False)
    done = save(
        evaluation,
        users["evaluator"],
        {c.pk: "B" for c in criteria},
        overall="B",
        version=draft.version,
    )
    assert not done.is_draft and done.overall_grade == "B"
    assert CriterionGrade.objects.filter(rating=done).count() == 6


def test_a_blank_grade_in_a_draft_removes_the_earlier_one(evaluation, users):
    criteria = list(evaluation.round.criteria.all())
    draft = save(evaluation, users["evaluator"], {c.pk: "A" for c in criteria[:3]}, finish=False)
    draft = save(
        evaluation, users["evaluator"], {criteria[0].pk: "A"}, finish=False, version=draft.version
    )
    assert list(draft.grades.values_list("criterion_id", flat=True)) == [criteria[0].pk]


def test_the_screen_saves_a_partial_draft_then_finishes(client, evaluation, users):
    criteria = list(evaluation.round.criteria.all())
    client.force_login(users["evaluator"])
    url = reverse("rating_edit", args=[evaluation.round_id, evaluation.project.code])
    data = {"version": 0, "overall_grade": "", "findings": "", "recommendations": ""}
    data[f"criterion_{criteria[0].pk}"] = "A"
    response = client.post(url, data)
    assert response.status_code == 302
    rating = EvaluatorRating.objects.get()
    assert rating.is_draft
    data = {**data, "version": rating.version, "finish": "1"}
    page = client.post(url, data).content.decode()
    assert "すべての観点に評価を付けてください" in page
    data.update({f"criterion_{c.pk}": "B" for c in criteria}, overall_grade="B")
    assert client.post(url, data).status_code == 302
    rating.refresh_from_db()
    assert not rating.is_draft and rating.grades.count() == 6


def test_the_rating_form_sits_on_the_sheet(client, evaluation, users):
    client.force_login(users["evaluator"])
    page = client.get(evaluation.get_absolute_url()).content.decode()
    form = page[page.index('id="rate"') :]
    action = reverse("rating_edit", args=[evaluation.round_id, evaluation.project.code])
    assert f'action="{action}"' in form
    assert "下書きとして保存する" in form and "評価を完了する" in form
    assert page.index("評価シート：") < page.index('id="rate"')


def test_others_get_no_rating_form_on_the_sheet(client, evaluation, users):
    client.force_login(users["manager"])
    assert 'id="rate"' not in client.get(evaluation.get_absolute_url()).content.decode()


def test_the_evaluator_home_marks_a_draft_as_such(client, evaluation, users):
    criteria = list(evaluation.round.criteria.all())
    client.force_login(users["evaluator"])
    save(evaluation, users["evaluator"], {criteria[0].pk: "A"}, finish=False)
    sheets = client.get(reverse("home")).content.decode().split("担当する評価シート")[1]
    assert "下書き" in sheets and "記入済み" not in sheets


def test_the_manager_sees_a_draft_marked_as_such(client, evaluation, users):
    criteria = list(evaluation.round.criteria.all())
    save(evaluation, users["evaluator"], {criteria[0].pk: "A"}, finish=False)
    client.force_login(users["manager"])
    page = client.get(evaluation.get_absolute_url()).content.decode()
    ratings = page[page.index('id="h-ratings"') :]
    assert "下書き" in ratings


def test_a_draft_counts_as_no_rating_yet(client, evaluation, users):
    """A draft is not 記入済み on the evaluator's round list, not counted on the round page, and
    the manager cannot finish an evaluation whose only rating is a draft."""
    from evaluation.services.evaluations import evaluation_consolidate

    criteria = list(evaluation.round.criteria.all())
    draft = save(evaluation, users["evaluator"], {criteria[0].pk: "B"}, finish=False)
    client.force_login(users["evaluator"])
    listing = client.get(reverse("round_list")).content.decode()
    assert "未記入" in listing and "記入済み" not in listing
    client.force_login(users["manager"])
    page = client.get(reverse("round_detail", args=[evaluation.round_id])).content.decode()
    assert "0 / 1" in page
    with pytest.raises(ValidationError) as refused:
        evaluation_consolidate(
            evaluation=evaluation,
            by=users["manager"],
            expected_version=evaluation.version,
            final_grade="B",
            findings="",
            recommendations="",
            finish=True,
        )
    assert "1件もない" in str(refused.value)
    save(
        evaluation,
        users["evaluator"],
        {c.pk: "B" for c in criteria},
        overall="B",
        version=draft.version,
    )
    client.force_login(users["evaluator"])
    assert "記入済み" in client.get(reverse("round_list")).content.decode()
    client.force_login(users["manager"])
    page = client.get(reverse("round_detail", args=[evaluation.round_id])).content.decode()
    assert "1 / 1" in page
