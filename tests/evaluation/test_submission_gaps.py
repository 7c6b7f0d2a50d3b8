"""Checks before submitting (issue 23, part 4): the submit step lists what is incomplete with links
to fix it, refuses to submit with gaps unless the submitter ticks the confirmation, and stores the
list with the submission, where the reviewer reads it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.models import (
    Activity,
    AnnualReport,
    MonitoredValue,
    State,
    StrategyItem,
    Target,
    ValueKind,
    WorkflowEvent,
)
from evaluation.selectors.review import review_queue
from evaluation.services.review import submission_gaps
from evaluation.services.workflow import workflow_transition
from tests.factories import IndicatorFactory, YearlyPlanFactory, walk_workflow

pytestmark = pytest.mark.django_db

CONFIRM = "未記入の項目があることを確認のうえ提出する"


@pytest.fixture
def report(project, plan):
    """A FY2007 report: the common target has no value, sales is 未把握, the self-check is empty
    and the year's one activity has no result."""
    common = IndicatorFactory(code="new-businesses", name_ja="新事業開始件数")
    sales = IndicatorFactory(code="sales", name_ja="売上高")
    Target.objects.create(plan=plan, indicator=common, cumulation="flow")
    Target.objects.create(plan=plan, indicator=sales, cumulation="flow")
    report = AnnualReport.objects.create(project=project, fiscal_year=2007)
    MonitoredValue.objects.create(
        project=project, indicator=sales, fiscal_year=2007, kind=ValueKind.UNKNOWN, report=report
    )
    yearly = YearlyPlanFactory(plan=plan, fiscal_year=2007)
    Activity.objects.create(yearly_plan=yearly, heading="network", title="交流会の開催")
    return report


def kinds(gaps):
    return [(g["kind"], g["label"]) for g in gaps]


def test_a_report_lists_what_is_incomplete(report):
    gaps = kinds(submission_gaps(report))
    assert ("no_value", "新事業開始件数") in gaps
    assert ("unknown", "売上高") in gaps
    assert ("no_result", "交流会の開催") in gaps
    assert [k for k, _ in gaps].count("empty_text") == 3  # results, problems, actions
    assert ("no_value", "売上高") not in gaps  # 未把握 is a value, listed as such


def test_a_complete_report_has_no_gaps(report, project):
    MonitoredValue.objects.filter(indicator__code="sales").update(kind=ValueKind.NUMBER, value=5)
    MonitoredValue.objects.create(
        project=project,
        indicator=Target.objects.get(indicator__code="new-businesses").indicator,
        fiscal_year=2007,
        kind=ValueKind.ZERO,
        value=0,
        report=report,
    )
    AnnualReport.objects.filter(pk=report.pk).update(
        self_results="成果", self_problems="課題", self_actions="対応"
    )
    report.refresh_from_db()
    activity = Activity.objects.get()
    report.activity_results.create(activity=activity, actual_output=3)
    assert submission_gaps(report) == []


def test_a_plan_lists_empty_vision_strategies_and_targets(plan):
    gaps = kinds(submission_gaps(plan))
    assert [k for k, _ in gaps].count("empty_text") == 3
    assert [k for k, _ in gaps].count("no_strategy") == 3
    assert ("no_target", plan.label) in gaps
    StrategyItem.objects.create(plan=plan, heading="network", title="研究会")
    assert [k for k, _ in kinds(submission_gaps(plan))].count("no_strategy") == 2


def test_a_yearly_plan_lists_an_empty_summary_and_no_activity(plan):
    yearly = YearlyPlanFactory(plan=plan, fiscal_year=2008)
    assert [k for k, _ in kinds(submission_gaps(yearly))] == ["empty_text", "no_activity"]


def test_the_service_refuses_unconfirmed_gaps_and_stores_confirmed_ones(report, users):
    with pytest.raises(ValidationError) as refused:
        workflow_transition(obj=report, action="submit", by=users["staff"], confirm_gaps=False)
    assert "confirm_gaps" in refused.value.message_dict
    report.refresh_from_db()
    assert report.state == State.DRAFT and not WorkflowEvent.objects.exists()
    workflow_transition(obj=report, action="submit", by=users["staff"], confirm_gaps=True)
    event = WorkflowEvent.objects.get()
    assert event.action == "submit" and len(event.gaps) == len(submission_gaps(report)) == 6


def test_no_gaps_need_no_confirmation(plan, users):
    plan.industrial_resources = plan.regional_characteristics = plan.development_outlook = "記入"
    plan.save()
    for heading in ("network", "joint_business", "institutions"):
        area = "rnd" if heading == "joint_business" else ""
        StrategyItem.objects.create(plan=plan, heading=heading, area=area, title="項目")
    Target.objects.create(plan=plan, indicator=IndicatorFactory(), cumulation="flow")
    plan = workflow_transition(obj=plan, action="submit", by=users["staff"], confirm_gaps=False)
    assert plan.state == State.SUBMITTED and plan.events().get().gaps == []


def test_the_confirm_page_lists_gaps_with_links_to_fix(client, report, users):
    client.force_login(users["staff"])
    url = reverse("report_transition", args=[report.project.code, 2007, "submit"])
    page = client.get(url).content.decode()
    gaps = page[page.index('id="submission-gaps"') :]
    assert "未記入の項目が6件あります" in gaps
    assert "新事業開始件数：未報告" in gaps and "売上高：未把握" in gaps
    assert "活動「交流会の開催」：実績が未記入" in gaps
    edit = reverse("report_edit", args=[report.project.code, 2007])
    assert f'href="{edit}#row-new-businesses"' in gaps
    assert reverse("report_self_check", args=[report.project.code, 2007]) in gaps
    assert CONFIRM in page


def test_submitting_without_the_checkbox_is_refused_with_a_clear_error(client, report, users):
    client.force_login(users["staff"])
    url = reverse("report_transition", args=[report.project.code, 2007, "submit"])
    response = client.post(url, {"comment": ""})
    assert response.status_code == 200
    assert "チェックを入れてください" in response.content.decode()
    report.refresh_from_db()
    assert report.state == State.DRAFT
    response = client.post(url, {"comment": "", "confirm_gaps": "on"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_a_record_without_gaps_is_submitted_without_a_checkbox(client, plan, users):
    yearly = YearlyPlanFactory(plan=plan, fiscal_year=2008, summary="重点")
    Activity.objects.create(yearly_plan=yearly, heading="network", title="交流会")
    client.force_login(users["staff"])
    url = reverse("yearly_plan_transition", args=[plan.project.code, 2008, "submit"])
    page = client.get(url).content.decode()
    assert CONFIRM not in page and "未記入の項目はありません。" in page
    assert client.post(url, {"comment": ""}).status_code == 302


def test_the_reviewer_sees_the_gaps_of_the_submission(client, report, users):
    workflow_transition(obj=report, action="submit", by=users["staff"], confirm_gaps=True)
    report.refresh_from_db()
    [item] = review_queue(users["manager"])
    assert len(item.gaps) == 6
    client.force_login(users["manager"])
    home = client.get(reverse("home")).content.decode()
    assert "6件" in home[home.index('id="review-queue"') :]
    for name in ("report_detail", "report_transition"):
        args = [report.project.code, 2007] + (["approve"] if name == "report_transition" else [])
        page = client.get(reverse(name, args=args)).content.decode()
        shown = page[page.index('id="submitted-gaps"') :]
        assert "提出時に未記入だった項目（6件）" in shown and "新事業開始件数：未報告" in shown


def test_gaps_are_not_shown_once_the_record_is_decided(client, report, users):
    walk_workflow(report, "approved", users)
    client.force_login(users["manager"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'id="submitted-gaps"' not in page
