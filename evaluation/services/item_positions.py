"""The kept place of each action item in the lists (issue 27): copies of its project's bureau's
order, the project's order and the project's code on the item (models/actions.py), so that a
page of 改善事項一覧 or of API 改善事項 walks an index of the items and stops instead of sorting
every item the reader may see through the project and its bureau.

Written with each new item (`position_of`: the services that make items, the generator's bulk
insert) and again, in the same transaction, by every change that moves them
(`item_positions_refill`): the admin's save of a project (order, code, bureau) or of a bureau
(order) (`evaluation/admin.py`), and `rebuild_summaries` after data loaded by other means
(`load_reference`, `loaddata`, a restore). Never by a signal or a cron."""

from django.db.models import OuterRef, Subquery

from evaluation.models import ActionItem
from projects.models import Project


def position_of(project: Project) -> dict:
    """The kept columns of a new item of `project` (its bureau read through the project)."""
    return {
        "bureau_order": project.bureau.order,
        "project_order": project.order,
        "project_code": project.code,
    }


def item_positions_refill(*, projects=None, bureaus=None) -> int:
    """Copy the order, code and bureau's order of these projects (ids or a queryset), or of
    the projects of these bureaus, or of every project when neither is given, onto their items:
    one UPDATE (the items' own rows; each column read from the project by its key). Returns
    the number of items written. Run it inside the transaction of the change."""
    items = ActionItem.objects.all()
    if projects is not None:
        items = items.filter(project__in=projects)
    if bureaus is not None:
        items = items.filter(project__bureau__in=bureaus)
    project = Project.objects.filter(pk=OuterRef("project_id"))
    return items.update(
        bureau_order=Subquery(project.values("bureau__order")[:1]),
        project_order=Subquery(project.values("order")[:1]),
        project_code=Subquery(project.values("code")[:1]),
    )
