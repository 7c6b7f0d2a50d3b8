"""A project's full record in one workbook: plans and scenario revisions, targets and their
versions, yearly plans and activities, annual reports with their values and self-checks,
evaluations, action items, and a change-log sheet read from the audit (django-simple-history
and the workflow events). Everything through the reader's `visible_to` scopes, so the workbook
holds exactly what the screens show that reader. Written with exports.workbook_response."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import (
    ActionItem,
    Activity,
    AnnualReport,
    MonitoredValue,
    ProjectEvaluation,
    ProjectPlan,
    ScenarioRevision,
    Target,
    TargetVersion,
    WorkflowEvent,
    YearlyPlan,
)
from evaluation.models.audit import FieldDiff, field_changes
from evaluation.models.workflow import State
from evaluation.renderers.exports import amount, fy, unit_label, value_cell
from projects.times import local_time_label

HIDDEN_FIELDS = {"id", "version", "updated_at", "created_at", "state"}
HISTORY_KINDS = {"+": gettext_lazy("作成"), "~": gettext_lazy("変更"), "-": gettext_lazy("削除")}


def _state(value) -> str:
    return str(State(value).label) if value else ""


def project_sheets(project, user) -> list[tuple]:
    """(title, header, rows) for each sheet of the project's workbook, as `user` may see it."""
    plans = list(
        ProjectPlan.objects.visible_to(user).filter(project=project).select_related("phase")
    )
    yearly = list(YearlyPlan.objects.visible_to(user).filter(project=project))
    reports = list(AnnualReport.objects.visible_to(user).filter(project=project))
    revisions = list(
        ScenarioRevision.objects.filter(plan__in=plans)
        .select_related("plan__phase", "author")
        .order_by("plan__phase__first_fiscal_year", "number")
    )
    targets = list(
        Target.objects.filter(plan__in=plans)
        .select_related("plan__phase", "indicator")
        .order_by("plan__phase__first_fiscal_year", "order", "pk")
    )
    versions = list(
        TargetVersion.objects.filter(target__in=targets)
        .select_related("target__indicator", "target__plan__phase")
        .prefetch_related("milestones")
        .order_by("target__plan__phase__first_fiscal_year", "target__order", "target_id", "number")
    )
    activities = list(
        Activity.objects.filter(yearly_plan__in=yearly)
        .select_related("yearly_plan", "output_indicator")
        .order_by("yearly_plan__fiscal_year", "order", "pk")
    )
    values = list(
        MonitoredValue.objects.visible_to(user, project=project)  # the assignment checked once
        .select_related("indicator", "report")
        .order_by("fiscal_year", "indicator__category", "indicator__order", "pk")
    )
    evaluations = list(
        ProjectEvaluation.objects.visible_to(user)
        .filter(project=project)
        .select_related("round")
        .order_by("round__fiscal_year", "round_id")
    )
    items = list(
        ActionItem.objects.visible_to(user)
        .filter(project=project)
        .select_related("evaluation__round", "report")
        .order_by("due_fiscal_year", "pk")
    )
    return [
        (
            _("概要"),
            [_("項目"), _("内容")],
            [
                [_("コード"), project.code],
                [_("プロジェクト"), str(project.name)],
                [_("経済産業局"), str(project.bureau.name)],
                [_("分野"), "、".join(str(f.name) for f in project.fields.all())],
                [_("期"), str(project.phase.name)],
                [_("状態"), str(project.get_status_display())],
            ],
        ),
        (
            _("個別計画"),
            [_("期"), _("状態"), _("更新番号"), _("地域経済の分析：産業資源"),
             _("地域経済の分析：地域特性"), _("発展の見通し")],
            [[str(p.phase.name), _state(p.state), p.version, p.industrial_resources,
              p.regional_characteristics, p.development_outlook] for p in plans],
        ),
        (
            _("シナリオ改訂"),
            [_("期"), _("改訂番号"), _("改訂年度"), _("開始年度"), _("終了年度"), _("シナリオ"),
             _("改訂理由"), _("操作者"), _("作成日時")],
            [[str(r.plan.phase.name), r.number, fy(r.fiscal_year), fy(r.start_fiscal_year),
              fy(r.end_fiscal_year), r.narrative, r.reason, str(r.author or ""),
              local_time_label(r.created_at)] for r in revisions],
        ),
        (
            _("目標と版"),
            [_("期"), _("目標"), _("単位（基準値・目標値・マイルストーン）"), _("版"),
             _("適用開始年度"), _("基準値"), _("基準年度"), _("目標値"), _("目標年度"),
             _("マイルストーン"), _("変更理由")],
            [_version_row(v) for v in versions],
        ),
        (
            _("年度計画"),
            [_("年度"), _("状態"), _("見出し"), _("活動"), _("アウトプット指標"),
             _("計画値"), _("予算（円）"), _("連携先")],
            [[fy(a.yearly_plan.fiscal_year), _state(a.yearly_plan.state),
              str(a.get_heading_display()), a.title,
              str(a.output_indicator.name) if a.output_indicator_id else "",
              a.planned_output, a.budget_yen, a.partners] for a in activities]
            + [[fy(y.fiscal_year), _state(y.state), "", "", "", None, None, ""]
               for y in yearly if not any(a.yearly_plan_id == y.pk for a in activities)],
        ),
        (
            _("年度報告と自己評価"),
            [_("年度"), _("状態"), _("更新番号"), _("全体のコメント"), _("自己評価：成果"),
             _("自己評価：課題"), _("自己評価：今後の対応"), _("自己評価（総合）")],
            [[fy(r.fiscal_year), _state(r.state), r.version, r.comment, r.self_results,
              r.self_problems, r.self_actions, str(r.get_self_rating_display())]
             for r in sorted(reports, key=lambda r: r.fiscal_year)],
        ),
        (
            _("モニタリング値"),
            [_("年度"), _("区分"), _("指標"), _("単位"), _("値"), _("概数"), _("出所の種類"),
             _("年度報告の状態"), _("出所・注記")],
            [[fy(v.fiscal_year), str(v.indicator.get_category_display()), str(v.indicator.name),
              unit_label(v.indicator), value_cell(v), _("概数") if v.is_approximate else "",
              str(v.get_origin_display()), _state(v.report.state) if v.report_id else "",
              v.source_note] for v in values],
        ),
        (
            _("評価"),
            [_("評価の実施回"), _("評価の年度"), _("状態"), _("総合評価"), _("評価結果（所見）"),
             _("提言（改善事項）")],
            [_evaluation_row(e) for e in evaluations],
        ),
        (
            _("改善事項"),
            [_("番号"), _("出所"), _("改善事項"), _("対応年度"), _("状態"), _("実施の内容"),
             _("確認・対応不要の理由")],
            [[i.pk, str(i.get_source_display()), i.text, fy(i.due_fiscal_year),
              str(i.get_state_display()), i.done_note, i.decision_note] for i in items],
        ),
        (
            _("変更履歴"),
            [_("日時"), _("記録の種類"), _("記録"), _("操作"), _("操作者"), _("理由・コメント"),
             _("変更内容（変更前 → 変更後）")],
            change_log(
                [
                    (ProjectPlan, {p.pk: str(p.phase.name) for p in plans}),
                    (YearlyPlan, {y.pk: fy(y.fiscal_year) for y in yearly}),
                    (AnnualReport, {r.pk: fy(r.fiscal_year) for r in reports}),
                    (Target, {t.pk: t.name for t in targets}),
                    (TargetVersion, {v.pk: f"{v.target.name} v{v.number}" for v in versions}),
                    (MonitoredValue, {v.pk: f"{v.indicator.name} {fy(v.fiscal_year)}"
                                      for v in values}),
                    (ActionItem, {i.pk: i.text[:40] for i in items}),
                ],
                indicators={v.pk: v.indicator for v in values},
            ),
        ),
    ]  # fmt: skip


def _version_row(version) -> list:
    target = version.target
    indicator = target.indicator

    def number(value):
        return amount(indicator, value) if indicator else value

    return [
        str(target.plan.phase.name),
        target.name,
        unit_label(indicator) if indicator else target.unit_label,
        version.number,
        fy(version.applies_from_fiscal_year),
        number(version.baseline_value),
        fy(version.baseline_fiscal_year),
        number(version.target_value),
        fy(version.target_fiscal_year),
        "、".join(f"{fy(m.fiscal_year)}: {number(m.value)}" for m in version.milestones.all()),
        version.reason,
    ]


def _evaluation_row(evaluation) -> list:
    finished = evaluation.state == ProjectEvaluation.State.FINISHED
    return [
        evaluation.round.name,
        fy(evaluation.round.fiscal_year),
        str(evaluation.get_state_display()),
        str(evaluation.get_final_grade_display()) if finished else "",
        evaluation.final_findings if finished else "",
        evaluation.final_recommendations if finished else "",
    ]


def _changes_text(tracked, older, row, indicator) -> str:
    """「値：36 件 → 40 件」, one line per field changed (empty for a creation)."""
    if older is None or row.history_type != "~":
        return ""
    if indicator is not None:  # a monitored value: the number with its unit, as on the screens

        def shown(r):
            return MonitoredValue(
                indicator=indicator, kind=r.kind, value=r.value, is_approximate=r.is_approximate
            ).display_with_unit

        rest = [f for f in tracked if f.name not in ("kind", "value")]
        diffs = field_changes(rest, older, row)
        if shown(older) != shown(row):
            diffs.insert(0, FieldDiff(str(_("値")), shown(older), shown(row)))
    else:
        diffs = field_changes(tracked, older, row)
    return "\n".join(f"{d.label}：{d.before} → {d.after}" for d in diffs)


def change_log(records: list[tuple], indicators: dict | None = None) -> list[list]:
    """Every audited change of the records the reader may see (`records`: (model, {pk: name})),
    each with its values before → after (monitored values with their unit, by `indicators`:
    {value pk: indicator}), and every workflow transition of their plans, yearly plans and
    reports, oldest first. One query per kind of record."""
    entries = []
    for model, names in records:
        if not names:
            continue
        label = str(model._meta.verbose_name)
        tracked = [f for f in model._meta.concrete_fields if f.attname not in HIDDEN_FIELDS]
        value_indicators = (indicators or {}) if model is MonitoredValue else {}
        last = {}
        for row in (
            model.history.filter(id__in=list(names))
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ):
            older, last[row.id] = last.get(row.id), row
            entries.append(
                (
                    row.history_date,
                    label,
                    names[row.id],
                    str(HISTORY_KINDS[row.history_type]),
                    str(row.history_user or ""),
                    row.history_change_reason or "",
                    _changes_text(tracked, older, row, value_indicators.get(row.id)),
                )
            )
        if model not in (ProjectPlan, YearlyPlan, AnnualReport):
            continue
        kind = ContentType.objects.get_for_model(model)
        for event in WorkflowEvent.objects.filter(
            content_type=kind, object_id__in=list(names)
        ).select_related("by"):
            entries.append(
                (
                    event.at,
                    label,
                    names[event.object_id],
                    f"{event.get_action_display()}（{_state(event.from_state)} → "
                    f"{_state(event.to_state)}）",
                    str(event.by),
                    event.comment,
                    "",
                )
            )
    entries.sort(key=lambda e: e[0])
    return [[local_time_label(at), *rest] for at, *rest in entries]
