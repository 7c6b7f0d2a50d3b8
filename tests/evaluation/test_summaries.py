"""The summaries kept where figures settle (issue 27) equal a full recomputation after every
kind of change, and `rebuild_summaries` writes them from scratch; so do the action items' kept
places in the lists (a project's and a bureau's order changed in the admin among the changes).

Generated data (`evaluation.demo.generate`, reports in every state), then random sequences of
changes through the services — approve, reopen, return, submit, a published figure, a new
target version, a value edited in a draft and then approved — each followed by a comparison of
the kept rows with `services.summaries.compute` over every project."""

import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.admin import KeptBureauAdmin, KeptProjectAdmin
from evaluation.demo.generate import Generator
from evaluation.models import (
    ActionItem,
    AnnualReport,
    CommonTargetTotal,
    IndicatorYearTotal,
    MemberCountChange,
    MonitoredValue,
    ProjectEvaluation,
    ProjectYearSummary,
    State,
    Target,
    TargetYearSummary,
    ValueKind,
)
from evaluation.models.reports import RowInput
from evaluation.services import national_summaries, summaries
from evaluation.services.reports import annual_report_save
from evaluation.services.targets import plan_period, target_set_values
from evaluation.services.workflow import workflow_transition
from projects.models import Bureau, Project

pytestmark = pytest.mark.django_db

PLACES = ("bureau_order", "project_order", "project_code")
EVALUATION_PLACES = ("round_fiscal_year", "project_order", "project_code")
FIELDS = (
    "version_id",
    "goal",
    "actual",
    "baseline",
    "status",
    "own_kind",
    "own_value",
    "rating",
    "reason",
    "reason_year",
    "reaches",
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Reference data and three generated projects (FY2006–FY2013), loaded once for the module
    in a transaction rolled back after it; their summaries rebuilt."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_reference", verbosity=0)
        generator = Generator(seed=7, first_year=2006, last_year=2013, indicator_count=8, members=5)
        generator.run(3, chunk=3)
        summaries.rebuild()
        yield generator
        transaction.set_rollback(True)


def kept() -> dict:
    rows = TargetYearSummary.objects.values_list("project_id", "target_id", "fiscal_year", *FIELDS)
    projects = ProjectYearSummary.objects.values_list(
        "project_id", "fiscal_year", "report_id", "report_state"
    )
    return {
        "targets": {row[:3]: row[3:] for row in rows},
        "projects": {row[:2]: row[2:] for row in projects},
        "item_places": set(ActionItem.objects.values_list("pk", *PLACES)),
        "evaluation_places": set(ProjectEvaluation.objects.values_list("pk", *EVALUATION_PLACES)),
    }


def figures(state: dict) -> dict:
    """The kept summaries without the action items' and evaluations' places."""
    return {key: rows for key, rows in state.items() if not key.endswith("_places")}


def recomputed() -> dict:
    rows, projects = summaries.compute(Project.objects.values_list("pk", flat=True))
    return {
        "targets": {
            (r.project_id, r.target_id, r.fiscal_year): tuple(getattr(r, f) for f in FIELDS)
            for r in rows
        },
        "projects": {
            (p.project_id, p.fiscal_year): (p.report_id, p.report_state) for p in projects
        },
        # the action items' kept places: their project's bureau's order, order and code
        "item_places": set(
            ActionItem.objects.values_list(
                "pk", "project__bureau__order", "project__order", "project__code"
            )
        ),
        # the evaluations' kept places: their round's year, their project's order and code
        "evaluation_places": set(
            ProjectEvaluation.objects.values_list(
                "pk", "round__fiscal_year", "project__order", "project__code"
            )
        ),
    }


def _pick(queryset, n: int):
    found = list(queryset.order_by("pk"))
    return found[n % len(found)] if found else None


def _transition(world, state, action: str, n: int, comment: str = ""):
    report = _pick(AnnualReport.objects.filter(state__in=state), n)
    if report is None:
        return False
    by = world.people.manager
    if action == "submit":
        by = world.people.staff[report.project.bureau_id]
    workflow_transition(obj=report, action=action, by=by, comment=comment)
    return True


def approve(world, n):
    return _transition(world, [State.SUBMITTED], "approve", n)


def reopen(world, n):
    return _transition(world, [State.APPROVED], "reopen", n, comment="数値の訂正")


def send_back(world, n):
    return _transition(world, [State.SUBMITTED], "return", n, comment="確認してください")


def submit(world, n):
    return _transition(world, [State.DRAFT, State.RETURNED, State.REOPENED], "submit", n)


def published_figure(world, n):
    """A published figure written as a data load writes it, then refreshed as its writer must."""
    target = _pick(Target.objects.filter(indicator__isnull=False).select_related("plan"), n)
    year = 2006 + n % 8
    MonitoredValue.objects.update_or_create(
        project_id=target.plan.project_id,
        indicator_id=target.indicator_id,
        fiscal_year=year,
        defaults={
            "origin": MonitoredValue.Origin.REFERENCE,
            "report": None,
            "kind": ValueKind.NUMBER,
            "value": Decimal(1 + n % 97),
        },
    )
    summaries.refresh(project_ids=[target.plan.project_id], fiscal_years=[year])
    return True


def new_target_version(world, n):
    """A target's values set again: on a plan approved since its version, a new version applying
    from a later year (the plan is reopened first, as a manager would)."""
    target = _pick(
        Target.objects.filter(indicator__isnull=False).select_related("plan__phase", "indicator"),
        n,
    )
    plan = target.plan
    if plan.state == State.APPROVED:
        plan = workflow_transition(
            obj=plan, action="reopen", by=world.people.manager, comment="見直し"
        )
    elif plan.state == State.SUBMITTED:
        plan = workflow_transition(
            obj=plan, action="return", by=world.people.manager, comment="見直し"
        )
    if n % 2 == 0 and target.cumulation != "cumulative":
        Target.objects.filter(pk=target.pk).update(cumulation="cumulative")
        summaries.refresh(project_ids=[plan.project_id])
    target = Target.objects.select_related("plan__phase", "plan__project", "indicator").get(
        pk=target.pk
    )
    first, last = plan_period(target.plan)
    try:
        target_set_values(
            target=target,
            expected_version=target.plan.version,
            by=world.people.staff[target.plan.project.bureau_id],
            target_value=Decimal(50 + n % 200),
            target_fiscal_year=last,
            baseline_value=Decimal(1 + n % 10),
            baseline_fiscal_year=first + n % 3,
            milestones={first + 1: Decimal(10 + n % 30)},
            applies_from_fiscal_year=first + n % (last - first + 1),
            reason="見直し",
        )
    except ValidationError:
        return False  # a value the target's unit refuses: no change
    return True


def edit_draft_then_approve(world, n):
    report = _pick(AnnualReport.objects.filter(state=State.DRAFT).select_related("project"), n)
    if report is None:
        return False
    target = _pick(
        Target.objects.filter(plan__project=report.project, indicator__isnull=False).select_related(
            "indicator"
        ),
        n,
    )
    if target is None:
        return False
    staff = world.people.staff[report.project.bureau_id]
    kind = [ValueKind.NUMBER, ValueKind.ZERO, ValueKind.NOT_APPLICABLE, ValueKind.UNKNOWN][n % 4]
    value = Decimal(1 + n % 50) if kind == ValueKind.NUMBER else None
    try:
        report = annual_report_save(
            report=report,
            expected_version=report.version,
            by=staff,
            rows=[RowInput(target.indicator, kind, value)],
            activity_results={},
        )
    except ValidationError:
        return False  # a value the indicator refuses: nothing written
    report = workflow_transition(obj=report, action="submit", by=staff)
    workflow_transition(obj=report, action="approve", by=world.people.manager)
    return True


def reorder(world, n):
    """A project's order, then its bureau's order, changed in the admin (the items keep copies
    of both: services/list_positions.py)."""
    request = SimpleNamespace(user=world.people.manager)
    project = _pick(Project.objects.select_related("bureau"), n)
    project.order = (project.order + 1 + n) % 500
    KeptProjectAdmin(Project, admin.site).save_model(request, project, None, True)
    bureau = project.bureau
    bureau.order = (bureau.order + 1 + n // 7) % 50
    KeptBureauAdmin(Bureau, admin.site).save_model(request, bureau, None, True)
    return True


CHANGES = {
    f.__name__: f
    for f in (
        reorder,
        approve,
        reopen,
        send_back,
        submit,
        published_figure,
        new_target_version,
        edit_draft_then_approve,
    )
}


def test_the_rebuilt_summaries_are_the_recomputation(world):
    state = kept()
    assert len(state["targets"]) > 100
    assert state == recomputed()
    ratings = {values[FIELDS.index("rating")] for values in state["targets"].values()}
    assert len(ratings) >= 3  # the data rate in several ways: the comparison means something


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(sorted(CHANGES)), st.integers(min_value=0, max_value=10_000)),
        min_size=1,
        max_size=4,
    )
)
def test_kept_summaries_equal_a_full_recomputation_after_any_change(world, changes):
    with transaction.atomic():
        for name, n in changes:
            CHANGES[name](world, n)
            assert kept() == recomputed(), f"after {name}({n})"
        transaction.set_rollback(True)


def test_every_kind_of_change_moves_some_figure(world):
    """Each change the property test makes does change the summaries somewhere (else it would
    compare two unchanged tables)."""
    for name, change in CHANGES.items():
        with transaction.atomic():
            before = kept()
            moved = False
            for n in range(6):
                if change(world, n) and kept() != before:
                    moved = True
                    break
            assert moved, name
            assert kept() == recomputed(), name
            transaction.set_rollback(True)


def test_approving_settles_the_figure_and_reopening_unsettles_it(world):
    with transaction.atomic():
        report = AnnualReport.objects.filter(state=State.SUBMITTED).order_by("pk").first()
        reasons = set(
            TargetYearSummary.objects.filter(
                project=report.project_id, fiscal_year=report.fiscal_year
            ).values_list("reason", flat=True)
        )
        workflow_transition(obj=report, action="approve", by=world.people.manager)
        after = set(
            TargetYearSummary.objects.filter(
                project=report.project_id, fiscal_year=report.fiscal_year
            ).values_list("reason", flat=True)
        )
        assert "unapproved" not in after
        summary = ProjectYearSummary.objects.get(
            project=report.project_id, fiscal_year=report.fiscal_year
        )
        assert (summary.report_id, summary.report_state) == (report.pk, State.APPROVED)
        report.refresh_from_db()
        workflow_transition(obj=report, action="reopen", by=world.people.manager, comment="訂正")
        summary = ProjectYearSummary.objects.get(
            project=report.project_id, fiscal_year=report.fiscal_year
        )
        assert summary.report_state == State.REOPENED
        assert reasons  # the year had figures to settle
        transaction.set_rollback(True)


MEMBER_COUNT_FIELDS = ("organisation_type", "fiscal_year", "total", "distinct")


def test_rebuild_summaries_writes_every_row_from_scratch(world):
    with transaction.atomic():
        expected = kept()
        members = set(MemberCountChange.objects.values_list(*MEMBER_COUNT_FIELDS))
        assert members  # the generator's member lists, counted at its end
        TargetYearSummary.objects.all().delete()
        ProjectYearSummary.objects.update(report_state="stale")
        MemberCountChange.objects.update(total=0)
        ActionItem.objects.update(bureau_order=0, project_order=0, project_code="")
        ProjectEvaluation.objects.update(round_fiscal_year=0, project_order=0, project_code="")
        out = io.StringIO()
        call_command("rebuild_summaries", "--chunk=2", stdout=out)
        assert kept() == expected
        assert f"{len(expected['targets']):,} target summaries" in out.getvalue()
        assert set(MemberCountChange.objects.values_list(*MEMBER_COUNT_FIELDS)) == members
        assert f"{len(members):,} member count changes" in out.getvalue()
        places = len(expected["item_places"]) + len(expected["evaluation_places"])
        assert expected["evaluation_places"] and expected["item_places"]
        assert f"{places:,} action items' and evaluations' places" in out.getvalue()
        transaction.set_rollback(True)


def national() -> set:
    return {
        *IndicatorYearTotal.objects.values_list(
            "indicator_id",
            "fiscal_year",
            "bureau_id",
            "field_id",
            "by_field_id",
            "total",
            "reporting",
            "not_applicable",
            "unknown",
            "projects",
        ),
        *CommonTargetTotal.objects.values_list(
            "phase_id", "bureau_id", "approved", "fiscal_year", "total", "with_target", "plans"
        ),
    }


def test_a_deferred_refresh_recomputes_once_at_the_end_of_the_outer_block(world):
    """Inside `deferred_refresh()` (nested too) the kept summaries wait; at the end of the
    outermost block they equal the recomputation, national totals included."""
    with transaction.atomic():
        national_summaries.rebuild_national()
        before, totals = kept(), national()
        with summaries.deferred_refresh():
            with summaries.deferred_refresh():
                assert approve(world, 0) and edit_draft_then_approve(world, 1)
                assert new_target_version(world, 2)
            # nothing refreshed yet (an approval's new action items have their places already)
            assert figures(kept()) == figures(before) and national() == totals
            assert summaries.pending().summaries
        assert summaries.pending() is None
        after, moved = kept(), national()
        assert after != before and moved != totals
        assert after == recomputed()
        national_summaries.rebuild_national()
        assert national() == moved
        transaction.set_rollback(True)


def test_an_exception_inside_a_deferred_refresh_changes_nothing(world):
    with transaction.atomic():
        national_summaries.rebuild_national()
        before, totals = kept(), national()
        report = AnnualReport.objects.filter(state=State.SUBMITTED).order_by("pk").first()
        with pytest.raises(RuntimeError), summaries.deferred_refresh():
            workflow_transition(obj=report, action="approve", by=world.people.manager)
            raise RuntimeError("stop")
        assert summaries.pending() is None
        assert AnnualReport.objects.get(pk=report.pk).state == State.SUBMITTED
        assert kept() == before and national() == totals
        transaction.set_rollback(True)


def test_the_matrix_shows_the_kept_figures_as_recomputed(world):
    """The tracking matrix reads its catalogue targets' figures from the kept rows: after a new
    target version and a value revised (reopened, changed, approved again), each cell with a
    target shows what `target_achievement` works out from the settled values."""
    from evaluation.selectors.achievement import (
        observed_and_filed,
        rating_bands,
        target_achievement,
    )
    from evaluation.selectors.matrix import matrix_context

    with transaction.atomic():
        target = (
            Target.objects.filter(
                indicator__isnull=False,
                indicator__unit="cases",
                plan__phase__first_fiscal_year__lte=2010,
            )
            .select_related("plan__phase", "plan__project", "indicator")
            .order_by("pk")
            .first()
        )
        plan, manager = target.plan, world.people.manager
        staff = world.people.staff[plan.project.bureau_id]
        # the plan approved (again) through the workflow: its targets' versions are frozen
        steps = {
            State.APPROVED: ["reopen", "submit", "approve"],
            State.SUBMITTED: ["approve"],
        }.get(plan.state, ["submit", "approve"])
        for action in steps:
            by = staff if action == "submit" else manager
            plan = workflow_transition(obj=plan, action=action, by=by, comment="見直し")
        plan = workflow_transition(obj=plan, action="reopen", by=manager, comment="見直し")
        first, last = plan_period(plan)
        target_set_values(
            target=target,
            expected_version=plan.version,
            by=staff,
            target_value=Decimal(90),
            target_fiscal_year=last,
            baseline_value=Decimal(1),
            baseline_fiscal_year=first,
            milestones={first + 3: Decimal(40)},
            applies_from_fiscal_year=first + 2,
            reason="見直し",
        )
        project = Project.objects.get(pk=target.plan.project_id)
        report = (
            AnnualReport.objects.filter(project=project, fiscal_year__lte=2010)
            .exclude(state=State.DRAFT)
            .order_by("-fiscal_year")
            .first()
        )
        if report.state == State.APPROVED:
            report = workflow_transition(
                obj=report, action="reopen", by=world.people.manager, comment="数値の訂正"
            )
        elif report.state == State.SUBMITTED:
            report = workflow_transition(
                obj=report, action="return", by=world.people.manager, comment="確認"
            )
        report = annual_report_save(
            report=report,
            expected_version=report.version,
            by=staff,
            rows=[RowInput(target.indicator, ValueKind.NUMBER, Decimal(7))],
            activity_results={},
            reason="数値の訂正",
        )
        report = workflow_transition(obj=report, action="submit", by=staff)
        workflow_transition(obj=report, action="approve", by=world.people.manager)
        assert target.versions.count() >= 2

        context = matrix_context(world.people.manager, project.code)
        observed, filed = observed_and_filed(
            MonitoredValue.objects.settled(filed=True)
            .filter(project=project)
            .values_list("indicator_id", "fiscal_year", "kind", "value", "counts")
        )
        bands = rating_bands()
        targets = {}
        for each in (
            Target.objects.filter(plan__project=project, indicator__isnull=False)
            .select_related("plan__phase")
            .with_versions()
        ):
            for year in context["years"]:
                if each.plan.phase.contains(year):
                    targets[(each.indicator_id, year)] = each
        compared = set()
        for row in context["rows"]:
            for cell in row["cells"]:
                key = (row["indicator"].pk, cell["year"])
                if key not in targets:
                    continue
                expected = target_achievement(
                    targets[key],
                    cell["year"],
                    observed.get(key[0], {}),
                    bands,
                    filed.get(key[0], set()),
                )
                shown = {f: cell[f] for f in ("goal", "actual", "rate", "rating", "cumulative")}
                assert shown == {f: expected[f] for f in shown}, key
                assert str(cell["reason_label"]) == str(expected["reason_label"]), key
                assert cell["reason_detail"] == expected["reason_detail"], key
                compared.add(key)
        assert (target.indicator_id, report.fiscal_year) in compared
        assert sum(1 for key in compared if key[0] == target.indicator_id) >= 2
        transaction.set_rollback(True)
