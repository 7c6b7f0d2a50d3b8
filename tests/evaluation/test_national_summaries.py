"""The national read model (IndicatorYearTotal, issue 27): the kept totals equal a full
recomputation from the values after every change that settles or unsettles one (approve,
reopen, return; published figures loaded around the services and rebuilt), the kept member
counts (MemberCountChange) equal the memberships after every change of one (import, the
admin's join, leave, move, delete and type change), and the national roll-up, the board and
the round list cost the same queries at two sizes."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from evaluation.models import (
    AnnualReport,
    EvaluationCriterion,
    IndicatorYearTotal,
    MemberCountChange,
    MonitoredValue,
    OverallPlan,
    State,
)
from evaluation.selectors.national import (
    kept_rollup,
    kept_yearly_totals,
    national_rollup,
    yearly_totals,
)
from evaluation.selectors.registry import live_member_counts, national_member_counts
from evaluation.services import registry
from evaluation.services.evaluations import round_create
from evaluation.services.member_counts import changes_of
from evaluation.services.national_summaries import rebuild_national, refresh_national
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.workflow import workflow_transition
from projects.models import Bureau, Field, Membership, Organisation, OrganisationType, Project
from tests.factories import (
    FieldFactory,
    IndicatorFactory,
    MonitoredValueFactory,
    PhaseFactory,
    ProjectFactory,
)
from tests.generated import generate_projects

pytestmark = pytest.mark.django_db

YEARS = (2006, 2007)


def line_facts(line) -> tuple:
    return (
        line.total,
        line.reporting,
        line.not_applicable,
        line.unknown,
        line.by_bureau,
        line.by_field,
        sorted(v.pk for v in line.per_project),
    )


def assert_kept_equals_recomputed():
    """Every year, every bureau filter and every field filter: the roll-up read from the kept
    totals is the roll-up recomputed from the values, and so are the yearly totals."""
    bureaus = [None, *Bureau.objects.all()]
    fields = [None, *Field.objects.all()]
    for year in YEARS:
        for bureau in bureaus:
            for field in fields:
                projects = Project.objects.all()
                if bureau:
                    projects = projects.filter(bureau=bureau)
                if field:
                    projects = projects.filter(fields=field)
                ids = {"bureau_id": bureau and bureau.pk, "field_id": field and field.pk}
                live = national_rollup(year, projects)["lines"]
                live = {line.indicator.pk: line for line in live}
                kept = kept_rollup(year, projects, **ids)
                if bureau is None:
                    # the page's preview looks among the first bureaus only: the same values
                    every = list(Bureau.objects.all())
                    for preview in (1, 2):
                        scoped = kept_rollup(year, projects, preview=preview, bureaus=every, **ids)[
                            "lines"
                        ]
                        whole = kept_rollup(year, projects, preview=preview, **ids)["lines"]
                        assert [[v.pk for v in line.per_project] for line in scoped] == [
                            [v.pk for v in line.per_project] for line in whole
                        ], (year, field, preview)
                for line in kept["lines"]:
                    expected = live[line.indicator.pk]
                    assert line_facts(line) == line_facts(expected), (year, bureau, field)
                    assert line.values == (
                        expected.reporting + expected.not_applicable + expected.unknown
                    )
                    if line.indicator.is_common_target:
                        recomputed = yearly_totals(
                            line.indicator, projects, range(YEARS[0], year + 1)
                        )
                        assert kept["common_by_year"] == recomputed
                        # the cross-project view's totals row reads the same kept rows
                        kept_years = kept_yearly_totals(
                            line.indicator, range(YEARS[0], year + 1), **ids
                        )
                        assert kept_years == recomputed, (year, bureau, field)
    assert_member_counts_kept()


MEMBER_YEARS = list(range(2004, 2011))


def assert_member_counts_kept():
    """The national member counts read from the kept changes are those of the memberships: per
    indicator (the page's figures, recomputed by the aggregate the page used before) and per
    organisation type; the kept rows are what a rebuild writes."""
    assert national_member_counts(MEMBER_YEARS) == live_member_counts(MEMBER_YEARS)
    kept = {}
    for row in MemberCountChange.objects.all():
        for year in MEMBER_YEARS:
            if row.fiscal_year <= year:
                cell = kept.setdefault((row.organisation_type, year), [0, 0])
                cell[0] += row.total
                cell[1] += row.distinct
    live = {}
    for year in MEMBER_YEARS:
        for row in (
            Membership.objects.at_year_end(year)
            .values("organisation__type")
            .annotate(total=Count("pk"), distinct=Count("organisation", distinct=True))
        ):
            live[row["organisation__type"], year] = [row["total"], row["distinct"]]
    assert {k: v for k, v in kept.items() if v != [0, 0]} == live
    rebuilt = changes_of(
        Membership.objects.values_list("organisation_id", "organisation__type", "joined", "left")
    )
    assert {
        (r.organisation_type, r.fiscal_year): [r.total, r.distinct]
        for r in MemberCountChange.objects.exclude(total=0, distinct=0)
    } == {k: v for k, v in rebuilt.items() if v != [0, 0]}


@pytest.fixture
def world(bureau, other_bureau, users):
    """Four projects in two bureaus: one field, two fields, the other field, and none."""
    a, b = FieldFactory(code="fa", name_ja="分野A"), FieldFactory(code="fb", name_ja="分野B")
    kanto_one = ProjectFactory(bureau=bureau, code="k1", name_ja="関東1")
    kanto_two = ProjectFactory(bureau=bureau, code="k2", name_ja="関東2")
    kinki_one = ProjectFactory(bureau=other_bureau, code="n1", name_ja="近畿1")
    kinki_two = ProjectFactory(bureau=other_bureau, code="n2", name_ja="近畿2")
    kanto_one.fields.add(a)
    kanto_two.fields.add(a, b)
    kinki_one.fields.add(b)
    indicators = [
        IndicatorFactory(code="firms", name_ja="参画企業数", unit="firms", is_common_target=True),
        IndicatorFactory(code="share", name_ja="割合", unit="percent"),
        IndicatorFactory(code="univ", name_ja="大学数", unit="institutions", additive=False),
    ]
    organisations = [
        Organisation.objects.create(name=name, normalised_name=name, type=type)
        for name, type in (
            ("株式会社多摩精機", OrganisationType.FIRM),
            ("北海道大学", OrganisationType.UNIVERSITY),
            ("産業技術総合研究所", OrganisationType.RESEARCH),
            ("八王子市", OrganisationType.GOVERNMENT),
        )
    ]
    return {
        "projects": [kanto_one, kanto_two, kinki_one, kinki_two],
        "indicators": indicators,
        "users": users,
        "organisations": organisations,
    }


def staff_for(project, users):
    return users["staff"] if project.bureau.code == "kanto" else users["other_staff"]


def editable_report(project, year, users):
    """The report of the project and year, created or brought back to an editable state."""
    report = AnnualReport.objects.filter(project=project, fiscal_year=year).first()
    if report is None:
        return annual_report_create(project=project, fiscal_year=year, by=staff_for(project, users))
    if report.state == State.APPROVED:
        report = workflow_transition(
            obj=report, action="reopen", by=users["manager"], comment="再確認"
        )
    elif report.state == State.SUBMITTED:
        report = workflow_transition(
            obj=report, action="return", by=users["manager"], comment="差し戻し"
        )
    return report


KINDS = st.sampled_from(["number", "zero", "not_applicable", "unknown"])
STEP = st.tuples(
    st.integers(0, 3),  # project
    st.sampled_from(YEARS),
    st.lists(st.tuples(KINDS, st.integers(1, 500)), min_size=3, max_size=3),
    st.sampled_from(["draft", "submitted", "approved", "returned", "approve_then_reopen"]),
)


# A change of the member lists: what, which organisation (or project), which membership (or
# other organisation), a day near a year's end, a type.
DAYS = [
    datetime.date(2005, 4, 1),
    datetime.date(2006, 3, 31),
    datetime.date(2006, 4, 1),
    datetime.date(2007, 3, 30),
    datetime.date(2007, 3, 31),
    datetime.date(2008, 4, 1),
]
TYPE_WORDS = {
    "firm": "企業",
    "university": "大学",
    "research": "研究機関",
    "government": "自治体",
    "other": "その他",
}
MEMBER_STEP = st.tuples(
    st.sampled_from(["import", "join", "leave", "move", "delete", "delete_many", "retype"]),
    st.integers(0, 3),
    st.integers(0, 7),
    st.integers(0, len(DAYS) - 1),
    st.sampled_from(sorted(TYPE_WORDS)),
)


def member_step(world, action, a, b, day, type):
    """One change of the member lists through its writer: the import service, or the Django
    admin registered for Membership and Organisation (their save and delete)."""
    users, projects = world["users"], world["projects"]
    organisations = list(Organisation.objects.order_by("pk"))
    memberships = list(Membership.objects.order_by("pk"))
    request = RequestFactory().post("/admin/")
    request.user = users["admin"]
    members, kinds = admin.site._registry[Membership], admin.site._registry[Organisation]
    when = DAYS[day]
    if action == "import":
        project = projects[a]
        staff = staff_for(project, users)
        known = organisations[b % len(organisations)]
        rows = [
            f"{known.name},{TYPE_WORDS[known.type]},,,{when}",
            f"新規機関{len(organisations) + 1},{TYPE_WORDS[type]},,,{when}",
        ]
        data = ("\r\n".join(["名称,種別,法人番号,所在地,参画日", *rows]) + "\r\n").encode()
        preview = registry.member_list_preview(project=project, data=data, by=staff)
        registry.member_list_apply(
            project=project, token=preview.token, choices={2: "new", 3: "new"}, by=staff
        )
        return
    if action == "retype":
        organisation = organisations[a]
        organisation.type = type
        kinds.save_model(request, organisation, None, True)
        return
    if action == "join":
        organisation, project = organisations[a], projects[b % len(projects)]
        if not Membership.objects.filter(
            organisation=organisation, project=project, joined=when
        ).exists():
            membership = Membership(organisation=organisation, project=project, joined=when)
            members.save_model(request, membership, None, False)
        return
    if action == "delete_many":
        members.delete_queryset(request, Membership.objects.filter(project=projects[a]))
        return
    if not memberships:
        return
    membership = memberships[b % len(memberships)]
    if action == "leave":
        membership.left = max(when, membership.joined)
        members.save_model(request, membership, None, True)
    elif action == "move":
        organisation = organisations[a]
        if not Membership.objects.filter(
            organisation=organisation, project=membership.project, joined=membership.joined
        ).exists():
            membership.organisation = organisation
            members.save_model(request, membership, None, True)
    else:
        members.delete_model(request, membership)


@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.one_of(STEP, MEMBER_STEP), min_size=1, max_size=4))
@example(  # every change of the member lists at least once, and one report between them
    steps=[
        ("import", 0, 1, 2, "university"),
        ("join", 1, 0, 0, "firm"),
        ("join", 2, 2, 4, "firm"),
        ("import", 2, 2, 1, "university"),
        (1, 2007, [("number", 5), ("zero", 1), ("unknown", 1)], "approved"),
        ("leave", 0, 1, 3, "firm"),
        ("retype", 1, 0, 0, "firm"),
        ("move", 3, 2, 0, "firm"),
        ("retype", 3, 0, 0, "university"),
        ("delete", 0, 0, 0, "firm"),
        ("delete_many", 2, 0, 0, "firm"),
    ]
)
def test_kept_totals_equal_a_recomputation_after_approve_reopen_and_return(world, steps):
    users = world["users"]
    for step in steps:
        if isinstance(step[0], str):
            member_step(world, *step)
            assert_member_counts_kept()
            continue
        index, year, cells, outcome = step
        project = world["projects"][index]
        staff = staff_for(project, users)
        report = editable_report(project, year, users)
        rows = []
        for indicator, (kind, number) in zip(world["indicators"], cells, strict=True):
            if indicator.unit == "percent":
                number = min(number, 100)
            value = Decimal(number) if kind == "number" else Decimal(0) if kind == "zero" else None
            rows.append(RowInput(indicator, kind, value))
        report = annual_report_save(
            report=report,
            expected_version=report.version,
            by=staff,
            rows=rows,
            activity_results={},
            reason="数値の修正",
        )
        if outcome != "draft":
            report = workflow_transition(obj=report, action="submit", by=staff)
        if outcome in ("approved", "approve_then_reopen"):
            report = workflow_transition(obj=report, action="approve", by=users["manager"])
        if outcome == "approve_then_reopen":
            report = workflow_transition(
                obj=report, action="reopen", by=users["manager"], comment="再確認"
            )
        if outcome == "returned":
            report = workflow_transition(
                obj=report, action="return", by=users["manager"], comment="差し戻し"
            )
        assert_kept_equals_recomputed()


def test_an_approval_counts_at_once_and_a_reopen_takes_it_out(world):
    users = world["users"]
    project, firms = world["projects"][1], world["indicators"][0]
    staff = staff_for(project, users)
    report = annual_report_create(project=project, fiscal_year=2007, by=staff)
    report = annual_report_save(
        report=report,
        expected_version=report.version,
        by=staff,
        rows=[RowInput(firms, "number", Decimal(42))],
        activity_results={},
    )
    report = workflow_transition(obj=report, action="submit", by=staff)
    assert not IndicatorYearTotal.objects.exists()
    report = workflow_transition(obj=report, action="approve", by=users["manager"])
    whole = IndicatorYearTotal.objects.get(field=None, indicator=firms)
    assert (whole.total, whole.reporting, whole.projects) == (Decimal(42), 1, 1)
    # one row per pair of the project's two fields, and the bureau's row
    assert IndicatorYearTotal.objects.filter(indicator=firms).count() == 1 + 2 * 2
    workflow_transition(obj=report, action="reopen", by=users["manager"], comment="再確認")
    assert not IndicatorYearTotal.objects.filter(indicator=firms).exists()
    assert_kept_equals_recomputed()


def test_published_figures_loaded_around_the_services_count_after_a_rebuild(world):
    firms, share = world["indicators"][:2]
    for n, project in enumerate(world["projects"]):
        MonitoredValueFactory(
            project=project, indicator=firms, fiscal_year=2006, value=10 + n, origin="reference"
        )
        MonitoredValueFactory(
            project=project,
            indicator=share,
            fiscal_year=2007,
            kind="unknown" if n % 2 else "number",
            value=None if n % 2 else Decimal("12.5"),
            origin="reference",
        )
    assert rebuild_national() > 0
    assert_kept_equals_recomputed()
    # a refresh of one project's bureau and year leaves the others' rows as they are
    MonitoredValue.objects.filter(project=world["projects"][0], fiscal_year=2006).update(value=99)
    refresh_national(project_ids=[world["projects"][0].pk], fiscal_years=[2006])
    assert_kept_equals_recomputed()
    call_command("rebuild_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert_kept_equals_recomputed()


# --- Query counts at two sizes ----------------------------------------------------------------


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


PAGES = [
    ("overall_plan_detail", {"phase": "II"}),
    ("national_rollup", {}),
    ("national_rollup", {"year": 2007, "bureau": "kanto", "field": "generated"}),
    ("national_rollup_export", {"fmt": "xlsx"}),
    ("submission_board", {}),
    ("submission_board", {"state": "none"}),
    ("round_list", {}),
]


def page_queries(client, users) -> dict:
    counts = {}
    for who in ("manager", "evaluator"):
        client.force_login(users[who])
        for name, params in PAGES:
            if name == "submission_board" and who != "manager":
                continue
            params = dict(params)
            args = [params.pop(key) for key in ("fmt", "phase") if key in params]
            counts[(who, name, tuple(params))] = queries(client, reverse(name, args=args), params)
    return counts


def open_round(projects, users, year):
    criterion, _ = EvaluationCriterion.objects.get_or_create(
        code="target-achievement", defaults={"name_ja": "目標"}
    )
    round_create(
        by=users["manager"],
        phase=PhaseFactory(),
        fiscal_year=year,
        title=f"評価（{year}年度）",
        criteria=[criterion],
        assignments={p: [users["evaluator"]] for p in projects},
    )


def test_national_pages_the_board_and_the_round_list_cost_the_same_queries_at_two_sizes(
    client, bureau, users
):
    indicators = [
        IndicatorFactory(code="gen-firms", unit="firms", is_common_target=True),
        IndicatorFactory(code="gen-share", unit="percent"),
    ]
    first = generate_projects(3, bureau, indicators, users["staff"])
    OverallPlan.objects.create(phase=PhaseFactory(), mid_term_fiscal_year=2008)
    open_round(first, users, 2007)
    small = page_queries(client, users)
    more = generate_projects(60, bureau, indicators, users["staff"], start=3)
    open_round(more, users, 2008)
    large = page_queries(client, users)
    assert small == large
    assert max(large.values()) <= 15, large
    # the pages hold a page of rows, not every project
    client.force_login(users["manager"])
    board = client.get(reverse("submission_board")).content.decode()
    assert board.count("生成プロジェクト") == 50
    rounds = client.get(reverse("round_list")).content.decode()
    assert "60プロジェクトをすべて見る" in rounds
    overall = client.get(reverse("overall_plan_detail", args=["II"])).content.decode()
    assert "63件です" in overall and overall.count("生成プロジェクト") == 50


# --- The overall plan's common target totals ----------------------------------------------------


def test_kept_common_target_totals_equal_the_plans_for_every_reader(
    client, bureau, other_bureau, users
):
    from evaluation.models import NationalTarget, OverallPlan, Target
    from evaluation.selectors.overall import (
        common_rollup,
        kept_common_rollup,
        summary_common_rollup,
    )
    from evaluation.services.plans import plan_create
    from evaluation.services.targets import target_set_values
    from tests.factories import walk_workflow

    common = IndicatorFactory(code="new-businesses-started", is_common_target=True)
    phase = PhaseFactory()
    overall = OverallPlan.objects.create(phase=phase, mid_term_fiscal_year=2008)
    NationalTarget.objects.create(overall_plan=overall, indicator=common, value=400)
    years = list(range(2006, 2011))

    def assert_equal():
        for who in ("manager", "admin", "staff", "other_staff", "evaluator"):
            _projects, rows = common_rollup(overall, common, years, users[who])
            if who != "evaluator":
                assert kept_common_rollup(overall, common, years, users[who]) == rows, who
            # the other readers' (an evaluator's) rows, summed from the per-project summaries
            assert summary_common_rollup(overall, common, years, users[who]) == rows, who
        return rows

    plans = []
    for n, (where, cumulation) in enumerate(
        [(bureau, "flow"), (bureau, "cumulative"), (other_bureau, "flow"), (other_bureau, "stock")]
    ):
        project = ProjectFactory(bureau=where, phase=phase, code=f"ct{n}", name_ja=f"共通{n}")
        plan = plan_create(project=project, phase=phase, by=staff_for(project, users))
        plans.append(plan)
        assert_equal()  # a plan without values counts among the plans, not among the targets
        if n == 3:
            continue  # no values set
        target = Target.objects.get(plan=plan, indicator=common)
        Target.objects.filter(pk=target.pk).update(cumulation=cumulation)
        target_set_values(
            target=Target.objects.get(pk=target.pk),
            expected_version=plan.version,
            by=staff_for(project, users),
            target_value=Decimal(100 + n),
            target_fiscal_year=2010,
            milestones={2007: Decimal(10 * (n + 1)), 2008: Decimal(20 * (n + 1))},
        )
        assert_equal()
    criterion, _ = EvaluationCriterion.objects.get_or_create(
        code="target-achievement", defaults={"name_ja": "目標"}
    )
    round_create(
        by=users["manager"],
        phase=phase,
        fiscal_year=2008,
        title="評価（2008年度）",
        criteria=[criterion],
        assignments={p.project: [users["evaluator"]] for p in plans},
    )
    # the other bureau's plans count for Kanto's staff only once approved, and not after reopen
    plan = walk_workflow(plans[2], "approved", {**users, "staff": users["other_staff"]})
    assert_equal()
    # the evaluator sees the submitted and approved plans assigned: a flow, a cumulative one
    # (approved, then its target changed by a new version from 2009) and one without values
    walk_workflow(plans[0], "submitted", users)
    cumulative = walk_workflow(plans[1], "approved", users)
    walk_workflow(plans[3], "submitted", {**users, "staff": users["other_staff"]})
    before = assert_equal()
    cumulative = workflow_transition(
        obj=cumulative, action="reopen", by=users["manager"], comment="見直し"
    )
    target_set_values(
        target=Target.objects.get(plan=cumulative, indicator=common),
        expected_version=cumulative.version,
        by=users["staff"],
        target_value=Decimal(150),
        target_fiscal_year=2010,
        milestones={2007: Decimal(25), 2008: Decimal(45), 2009: Decimal(70)},
        applies_from_fiscal_year=2009,
        reason="見直し",
    )
    cumulative.refresh_from_db()
    walk_workflow(cumulative, "submitted", users)
    after = assert_equal()
    assert after != before and after[-1].projects_total == 4 and after[-1].projects_with_target == 3
    client.force_login(users["evaluator"])
    page = client.get(reverse("overall_plan_detail", args=[phase.code])).content.decode()
    assert "4件です" in page
    workflow_transition(obj=plan, action="reopen", by=users["manager"], comment="再確認")
    assert_equal()
    client.force_login(users["manager"])
    page = client.get(reverse("overall_plan_detail", args=[phase.code])).content.decode()
    assert "4件です" in page
