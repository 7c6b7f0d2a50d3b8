"""Project plans: creation, vision, scenario revisions and their comparison, strategies,
stale saves, bad input."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from evaluation.models import ProjectPlan, ScenarioRevision, StrategyItem
from evaluation.renderers import diff
from evaluation.services.editing import StaleEditError
from evaluation.services.plans import (
    plan_create,
    plan_update_vision,
    scenario_revise,
    strategies_update,
)
from projects.models import PolicyFramework

pytestmark = pytest.mark.django_db


def revise(plan, user, **kwargs):
    values = dict(
        fiscal_year=2006,
        start_fiscal_year=2006,
        end_fiscal_year=2010,
        narrative="ネットワークを広げる。",
        milestones={2008: "中間評価"},
        reason="当初",
    )
    values.update(kwargs)
    plan.refresh_from_db()
    return scenario_revise(plan=plan, expected_version=plan.version, by=user, **values)


def test_second_plan_for_the_same_phase_is_refused(plan, users):
    with pytest.raises(ValidationError) as error:
        plan_create(project=plan.project, phase=plan.phase, by=users["staff"])
    assert "すでにあります" in str(error.value)
    assert ProjectPlan.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectPlan.objects.create(project=plan.project, phase=plan.phase)


def test_only_own_bureau_staff_create_a_plan(project, users):
    for who in ["other_staff", "manager", "evaluator", "admin"]:
        with pytest.raises(PermissionDenied):
            plan_create(project=project, phase=project.phase, by=users[who])
    assert not ProjectPlan.objects.exists()


def test_vision_keeps_fit_per_framework(plan, users):
    PolicyFramework.objects.create(code="sti", name_ja="科学技術基本計画")
    plan = plan_update_vision(
        plan=plan,
        expected_version=1,
        by=users["staff"],
        industrial_resources="機械",
        regional_characteristics="",
        development_outlook="",
        fits={"sti": "大学と連携"},
    )
    assert plan.policy_fits.get().fit == "大学と連携"
    plan = plan_update_vision(
        plan=plan,
        expected_version=2,
        by=users["staff"],
        industrial_resources="機械",
        regional_characteristics="",
        development_outlook="",
        fits={"sti": ""},
    )
    assert not plan.policy_fits.exists()


def test_revisions_accumulate_with_reason_author_and_milestones(plan, users):
    revise(plan, users["staff"])
    second = revise(
        plan,
        users["staff"],
        fiscal_year=2007,
        start_fiscal_year=2007,
        narrative="事業化を急ぐ。",
        milestones={2009: "販路"},
        reason="環境変化",
    )
    assert second.number == 2 and second.author == users["staff"]
    assert plan.current_scenario() == second
    assert list(second.milestones.values_list("fiscal_year", flat=True)) == [2009]
    first = ScenarioRevision.objects.get(number=1)
    assert first.narrative == "ネットワークを広げる。"  # a revision is never changed


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start_fiscal_year": 2005}, "start_fiscal_year"),
        ({"end_fiscal_year": 2011}, "end_fiscal_year"),
        ({"start_fiscal_year": 2009, "end_fiscal_year": 2007}, "end_fiscal_year"),
        ({"reason": "  "}, "reason"),
        ({"milestones": {2006: "x"}, "start_fiscal_year": 2007}, "milestones"),
    ],
)
def test_bad_scenario_is_refused_with_a_message_and_changes_nothing(plan, users, kwargs, field):
    with pytest.raises(ValidationError) as error:
        revise(plan, users["staff"], **kwargs)
    assert field in error.value.message_dict
    plan.refresh_from_db()
    assert plan.version == 1 and not plan.scenario_revisions.exists()


def test_database_refuses_end_before_start(plan, users):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScenarioRevision.objects.create(
            plan=plan,
            number=1,
            fiscal_year=2006,
            start_fiscal_year=2009,
            end_fiscal_year=2007,
            narrative="x",
            reason="x",
            author=users["staff"],
        )


def test_strategies_under_the_three_headings(plan, users):
    plan = strategies_update(
        plan=plan,
        expected_version=1,
        by=users["staff"],
        items=[
            {"heading": "network", "title": "交流会の開催"},
            {"heading": "joint_business", "area": "rnd", "title": "共同研究"},
        ],
        notes={"finance": "地銀との連携", "hr": ""},
    )
    assert list(plan.strategies.values_list("heading", "area", "title")) == [
        ("joint_business", "rnd", "共同研究"),
        ("network", "", "交流会の開催"),
    ]
    assert list(plan.support_notes.values_list("area", "note")) == [("finance", "地銀との連携")]


def test_joint_business_item_needs_an_area(plan, users):
    with pytest.raises(ValidationError):
        strategies_update(
            plan=plan,
            expected_version=1,
            by=users["staff"],
            items=[{"heading": "joint_business", "title": "共同研究"}],
            notes={},
        )
    assert not StrategyItem.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyItem.objects.create(plan=plan, heading="network", area="rnd", title="x")


def test_stale_save_is_refused_with_what_changed(plan, users):
    opened_at = plan.version
    plan_update_vision(
        plan=plan,
        expected_version=opened_at,
        by=users["staff"],
        industrial_resources="先に保存",
        regional_characteristics="",
        development_outlook="",
        fits={},
    )
    with pytest.raises(StaleEditError) as stale:
        plan_update_vision(
            plan=plan,
            expected_version=opened_at,
            by=users["staff"],
            industrial_resources="後",
            regional_characteristics="",
            development_outlook="",
            fits={},
        )
    change = stale.value.changes[0]
    assert change.version == 2 and change.user == users["staff"].username
    assert "地域経済の分析：産業資源" in change.fields
    assert ProjectPlan.objects.get().industrial_resources == "先に保存"


def test_diff_marks_changed_characters_and_lines():
    rows = diff.side_by_side("一行目\n二行目\n三行目", "一行目\n二行目を変更\n四行目\n五行目")
    assert [r.tag for r in rows] == ["equal", "replace", "replace", "insert"]
    changed = [s.text for s in rows[1].new if s.changed]
    assert changed == ["を変更"]
    assert rows[3].new[0].text == "五行目" and rows[3].old == ()


def test_diff_of_equal_texts_has_no_change():
    rows = diff.side_by_side("同じ\n文章", "同じ\n文章")
    assert all(r.tag == "equal" for r in rows)


# --- screens -----------------------------------------------------------------------------


def plan_url(plan, name="plan_detail"):
    return reverse(name, args=[plan.project.code, plan.phase.code])


def test_stale_form_answers_409_and_keeps_what_was_typed(client, plan, users):
    client.force_login(users["staff"])
    url = plan_url(plan, "plan_vision_edit")
    data = {
        "version": 1,
        "industrial_resources": "最初",
        "regional_characteristics": "",
        "development_outlook": "",
    }
    assert client.post(url, data).status_code == 302
    data["industrial_resources"] = "あとから入力した文章"
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "あとから入力した文章" in page
    assert "更新番号2" in page and users["staff"].username in page
    assert 'name="version" value="2"' in page
    assert ProjectPlan.objects.get().industrial_resources == "最初"


def test_scenario_form_error_is_shown_in_japanese_and_keeps_input(client, plan, users):
    client.force_login(users["staff"])
    response = client.post(
        plan_url(plan, "plan_scenario_revise"),
        {
            "version": 1,
            "fiscal_year": 2006,
            "start_fiscal_year": 2005,
            "end_fiscal_year": 2010,
            "narrative": "入力したシナリオ",
            "reason": "当初",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "期間（2006〜2010年度）外です" in page
    assert "入力したシナリオ" in page
    assert not ScenarioRevision.objects.exists()


def test_compare_shows_two_revisions_side_by_side(client, plan, users):
    revise(plan, users["staff"], narrative="共同研究を進める。")
    revise(
        plan,
        users["staff"],
        narrative="共同研究と販路開拓を進める。",
        end_fiscal_year=2009,
        reason="見直し",
    )
    client.force_login(users["manager"])
    page = client.get(plan_url(plan, "plan_scenario_compare"), {"a": 1, "b": 2}).content.decode()
    assert "<ins>" in page and "と販路開拓" in page
    assert "diff-changed" in page  # the end year changed
    assert client.get(plan_url(plan, "plan_scenario_compare"), {"a": 1, "b": 9}).status_code == 404


def test_plan_page_shows_timeline_and_the_owner_actions(client, plan_in_state, users):
    plan = plan_in_state("returned")
    client.force_login(users["staff"])
    page = client.get(plan_url(plan)).content.decode()
    assert "テストのコメント" in page  # the manager's return comment on the timeline
    assert "計画を提出する" in page and "ビジョンを編集する" in page
    assert "変更には理由が必要です" in page


def test_plan_page_query_count(client, plan, users, django_assert_max_num_queries):
    for n in range(6):
        revise(plan, users["staff"], narrative=f"版{n}", reason=f"理由{n}")
    plan.refresh_from_db()
    strategies_update(
        plan=plan,
        expected_version=plan.version,
        by=users["staff"],
        notes={"finance": "x"},
        items=[{"heading": "network", "title": f"項目{n}"} for n in range(10)],
    )
    client.force_login(users["staff"])
    url = plan_url(plan)
    # session, user, groups, the user's bureau, plan (+project, bureau, phase), fits,
    # revisions (+authors), milestones, strategies, notes, content type, events, targets with
    # versions and milestones (3), change history with users
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200


def test_plan_page_shows_who_changed_what_and_why(client, plan_in_state, users):
    plan = plan_in_state("returned")
    plan_update_vision(
        plan=plan,
        expected_version=plan.version,
        by=users["staff"],
        industrial_resources="新",
        regional_characteristics="",
        development_outlook="",
        fits={},
        reason="指摘への対応",
    )
    client.force_login(users["manager"])
    page = client.get(plan_url(plan)).content.decode()
    history = page.split("変更履歴（誰が")[1]
    assert "指摘への対応" in history and "地域経済の分析：産業資源" in history
    assert users["staff"].username in history
