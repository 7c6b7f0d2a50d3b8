"""Writes of the C and A of PDCA: the self-check of an annual report, evaluation rounds, an
evaluator's own rating, and the manager's consolidation. Every write is validated, atomic,
audited (django-simple-history, with the user) and refused to those it does not belong to."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import AnnualReport
from evaluation.models.evaluations import (
    CriterionGrade,
    EvaluationRound,
    EvaluationSnapshot,
    EvaluatorRating,
    Grade,
    ProjectEvaluation,
)
from evaluation.services import notifications
from evaluation.services.editing import (
    StaleEditError,
    changes_since,
    lock_for_edit,
    save_new_version,
)
from evaluation.services.list_positions import evaluation_position_of
from projects.models import Role


def _audited(obj, by, reason=""):
    obj._history_user = by
    obj._change_reason = reason
    return obj


@transaction.atomic
def report_self_check_save(
    *,
    report: AnnualReport,
    expected_version: int,
    by,
    results: str,
    problems: str,
    actions: str,
    rating: str,
    reason: str = "",
) -> AnnualReport:
    """The self-check (自己評価) of an annual report, by staff of its bureau while the report is
    editable; submitted and approved with the report."""
    report = lock_for_edit(
        AnnualReport, pk=report.pk, expected_version=expected_version, by=by, reason=reason
    )
    report.self_results = results.strip()
    report.self_problems = problems.strip()
    report.self_actions = actions.strip()
    report.self_rating = rating
    return save_new_version(report, by=by, reason=reason or _("自己評価の変更"))


def _require_manager(user):
    if user.role != Role.MANAGER:
        raise PermissionDenied


def _check_evaluators(evaluators) -> None:
    wrong = [u.username for u in evaluators if u.role != Role.EVALUATOR]
    if wrong:
        raise ValidationError(
            {
                "evaluators": _("評価委員として登録されていない利用者が含まれています：%(names)s")
                % {"names": "、".join(wrong)}
            }
        )


@transaction.atomic
def round_create(
    *, by, phase, fiscal_year: int, title: str, criteria, assignments, name_en: str = ""
) -> EvaluationRound:
    """Open a round: its fiscal year (inside the phase), title, criteria (at least one) and the
    projects with their evaluators (`assignments`: project → evaluators; at least one project)."""
    _require_manager(by)
    errors = {}
    if not phase.contains(fiscal_year):
        errors["fiscal_year"] = _("評価の年度は期間内の年度にしてください。")
    if EvaluationRound.objects.filter(phase=phase, fiscal_year=fiscal_year).exists():
        errors["fiscal_year"] = _("この年度の評価の実施回はすでに作成されています。")
    if not title.strip():
        errors["title"] = _("名称を入力してください。")
    if not list(criteria):
        errors["criteria"] = _("評価の観点を1つ以上選んでください。")
    if not assignments:
        errors["projects"] = _("評価するプロジェクトを1つ以上選んでください。")
    if errors:
        raise ValidationError(errors)
    for evaluators in assignments.values():
        _check_evaluators(evaluators)
    evaluation_round = _audited(
        EvaluationRound(
            phase=phase,
            fiscal_year=fiscal_year,
            title=title.strip(),
            name_en=name_en.strip(),
            created_by=by,
        ),
        by,
    )
    evaluation_round.full_clean()
    evaluation_round.save()
    evaluation_round.criteria.set(criteria)
    for project, evaluators in assignments.items():
        evaluation = _audited(
            ProjectEvaluation(
                round=evaluation_round,
                project=project,
                **evaluation_position_of(evaluation_round, project),
            ),
            by,
        )
        evaluation.save()
        evaluation.evaluators.set(evaluators)
        notifications.on_assigned(evaluation, evaluators)
    return evaluation_round


@transaction.atomic
def evaluation_assign(*, evaluation: ProjectEvaluation, by, evaluators) -> ProjectEvaluation:
    """Change the evaluators of a project in a round while it is being evaluated. An evaluator
    who already rated it cannot be removed (their rating would be lost)."""
    _require_manager(by)
    evaluation = ProjectEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_finished:
        raise ValidationError(_("確定した評価の評価委員は変更できません。"))
    evaluators = list(evaluators)
    _check_evaluators(evaluators)
    rated = set(evaluation.ratings.values_list("evaluator_id", flat=True))
    dropped = rated - {u.pk for u in evaluators}
    if dropped:
        raise ValidationError(
            {"evaluators": _("すでに評価を記録した評価委員は外せません。")}, code="rated"
        )
    _audited(evaluation, by, _("評価委員の割当て"))
    before = set(evaluation.evaluators.values_list("pk", flat=True))
    evaluation.evaluators.set(evaluators)
    notifications.on_assigned(evaluation, [u for u in evaluators if u.pk not in before])
    evaluation.version += 1
    evaluation.save()
    return evaluation


@transaction.atomic
def rating_save(
    *,
    evaluation: ProjectEvaluation,
    by,
    expected_version: int,
    overall_grade: str,
    findings: str,
    recommendations: str,
    grades: dict[int, str],
    finish: bool = True,
) -> EvaluatorRating:
    """An assigned evaluator records their own rating: a grade for every criterion of the
    round, an overall grade, findings and recommendations. With `finish=False` it is kept as a
    draft, grades may be left blank and it is finished later; finishing needs every grade.
    `expected_version` is 0 for a first rating. Refused once the evaluation is finished."""
    evaluation = ProjectEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if by.role != Role.EVALUATOR or not evaluation.evaluators.filter(pk=by.pk).exists():
        raise PermissionDenied
    if evaluation.is_finished:
        raise ValidationError(_("評価は確定しているため変更できません。"), code="locked")
    criteria = list(evaluation.round.criteria.all())
    if finish:
        _require_every_grade(criteria, grades, overall_grade)
    rating = EvaluatorRating.objects.filter(evaluation=evaluation, evaluator=by).first()
    current = rating.version if rating else 0
    if current != expected_version:
        raise StaleEditError(rating, expected_version, changes_since(rating, expected_version))
    if rating is None:
        rating = EvaluatorRating(evaluation=evaluation, evaluator=by, version=0)
    rating.overall_grade = overall_grade if overall_grade in Grade.values else ""
    rating.findings = findings.strip()
    rating.recommendations = recommendations.strip()
    rating.is_draft = not finish
    rating.version += 1
    rating.full_clean()
    _audited(rating, by).save()
    _save_grades(rating, criteria, grades, by)
    return rating


def _require_every_grade(criteria, grades: dict[int, str], overall_grade: str) -> None:
    missing = [str(c.name) for c in criteria if grades.get(c.pk) not in Grade.values]
    if overall_grade not in Grade.values:
        missing.append(str(_("総合評価")))
    if missing:
        raise ValidationError(
            _("すべての観点に評価を付けてください：%(names)s") % {"names": "、".join(missing)}
        )


def _save_grades(rating, criteria, grades: dict[int, str], by) -> None:
    """A grade per criterion given; a blank one (a draft) removes the criterion's grade."""
    existing = {g.criterion_id: g for g in rating.grades.all()}
    for criterion in criteria:
        value = grades.get(criterion.pk) or ""
        grade = existing.get(criterion.pk)
        if value not in Grade.values:
            if grade is not None:
                _audited(grade, by).delete()
            continue
        grade = grade or CriterionGrade(rating=rating, criterion=criterion)
        if grade.grade != value:
            grade.grade = value
            grade.full_clean()
            _audited(grade, by).save()


@transaction.atomic
def evaluation_consolidate(
    *,
    evaluation: ProjectEvaluation,
    by,
    expected_version: int,
    final_grade: str,
    findings: str,
    recommendations: str,
    finish: bool,
    freeze=None,
) -> ProjectEvaluation:
    """The manager writes the consolidated evaluation; with `finish` it becomes final, is
    locked, and the project's bureau can read it. Finishing needs at least one rating.
    `freeze`, given when finishing: a function of the evaluation that returns its sheet's
    computed rows as JSON (`selectors.rounds.freeze_sheet`; services read no selectors); they
    are stored as the evaluation's snapshot in the same transaction, with the time."""
    _require_manager(by)
    evaluation = ProjectEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_finished:
        raise ValidationError(_("評価は確定しているため変更できません。"), code="locked")
    if evaluation.version != expected_version:
        raise StaleEditError(
            evaluation, expected_version, changes_since(evaluation, expected_version)
        )
    if finish and not final_grade:
        raise ValidationError({"final_grade": _("確定するには総合評価を選んでください。")})
    if finish and not evaluation.ratings.finished().exists():
        raise ValidationError(_("評価委員の評価が1件もないため、確定できません。"))
    evaluation.final_grade = final_grade
    evaluation.final_findings = findings.strip()
    evaluation.final_recommendations = recommendations.strip()
    if finish:
        evaluation.state = ProjectEvaluation.State.FINISHED
        evaluation.consolidated_by = by
        evaluation.consolidated_at = timezone.now()
    evaluation.version += 1
    evaluation.full_clean()
    _audited(evaluation, by, _("評価の確定") if finish else _("取りまとめの保存")).save()
    if finish:
        from evaluation.services.actions import items_from_evaluation

        items_from_evaluation(evaluation, by)
        if freeze is not None:
            evaluation_snapshot_take(evaluation=evaluation, by=by, sheet=freeze(evaluation))
    return evaluation


def evaluation_snapshot_take(
    *, evaluation: ProjectEvaluation, by, sheet: dict
) -> EvaluationSnapshot:
    """Store the sheet of a finished evaluation as rated, at its finishing time (called inside
    the finishing transaction). Once taken it is never replaced."""
    if not evaluation.is_finished:
        raise ValidationError(_("確定していない評価の数値は固定できません。"))
    if EvaluationSnapshot.objects.filter(evaluation=evaluation).exists():
        raise ValidationError(_("この評価の数値はすでに固定されています。"))
    snapshot = EvaluationSnapshot(
        evaluation=evaluation, taken_at=evaluation.consolidated_at, sheet=sheet
    )
    snapshot.full_clean()
    _audited(snapshot, by, _("評価の確定")).save()
    return snapshot
