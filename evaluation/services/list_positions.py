"""The kept places of action items and project evaluations in the lists (issue 27): copies of
the columns the lists sort them by, on the rows themselves, so that a page walks an index of
the table and stops instead of sorting every row the reader may see through the project, its
bureau or the round.

- An action item keeps its project's bureau's order, the project's order and the project's
  code (models/actions.py: 改善事項一覧 and API 改善事項).
- A project evaluation keeps its round's fiscal year and its project's order and code
  (models/evaluations.py: API 評価).

Written with each new row (`position_of`, `evaluation_position_of`: the services that make
them, the generator's bulk inserts) and again, in the same transaction, by every change that
moves them (`list_positions_refill`): the admin's save of a project (order, code, bureau) or of
a bureau (order) (`evaluation/admin.py`), and `rebuild_summaries` after data loaded by other
means (`load_reference`, `loaddata`, a restore). A round's fiscal year is never changed once
the round is made (services/evaluations.py). Never by a signal or a cron."""

from django.db.models import OuterRef, Subquery

from evaluation.models import ActionItem, EvaluationRound, ProjectEvaluation
from projects.models import Project


def position_of(project: Project) -> dict:
    """The kept columns of a new item of `project` (its bureau read through the project)."""
    return {
        "bureau_order": project.bureau.order,
        "project_order": project.order,
        "project_code": project.code,
    }


def evaluation_position_of(evaluation_round: EvaluationRound, project: Project) -> dict:
    """The kept columns of a new evaluation of `project` in `evaluation_round`."""
    return {
        "round_fiscal_year": evaluation_round.fiscal_year,
        "project_order": project.order,
        "project_code": project.code,
    }


def list_positions_refill(*, projects=None, bureaus=None) -> int:
    """Copy the order, code and bureau's order of these projects (ids or a queryset), or of
    the projects of these bureaus, or of every project when neither is given, onto their items,
    and the order and code (with the round's fiscal year) onto their evaluations: one UPDATE
    of each table (its own rows; each column read from the project or round by its key).
    Returns the number of rows written. Run it inside the transaction of the change."""
    items = ActionItem.objects.all()
    evaluations = ProjectEvaluation.objects.all()
    if projects is not None:
        items = items.filter(project__in=projects)
        evaluations = evaluations.filter(project__in=projects)
    if bureaus is not None:
        items = items.filter(project__bureau__in=bureaus)
        evaluations = evaluations.none()  # a bureau's order is not in API 評価's order
    project = Project.objects.filter(pk=OuterRef("project_id"))
    written = items.update(
        bureau_order=Subquery(project.values("bureau__order")[:1]),
        project_order=Subquery(project.values("order")[:1]),
        project_code=Subquery(project.values("code")[:1]),
    )
    return written + evaluations.update(
        round_fiscal_year=Subquery(
            EvaluationRound.objects.filter(pk=OuterRef("round_id")).values("fiscal_year")[:1]
        ),
        project_order=Subquery(project.values("order")[:1]),
        project_code=Subquery(project.values("code")[:1]),
    )
