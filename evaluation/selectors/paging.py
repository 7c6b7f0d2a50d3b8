from django.core.paginator import Paginator
from django.db.models import Subquery

# Tables that grow with the programme show a page of rows at a time; their exports hold all.
ROWS_PER_PAGE = 50


def page_of(
    rows,
    number,
    count: int | None = None,
    per_page: int | None = None,
    *,
    rows_per_page: int | None = None,
):
    """The page of `rows` numbered `number` (the `?page=` text; out of range or nonsense gives
    the nearest page). `count`, where the number of rows is known already (a kept total),
    spares the COUNT query. `per_page`: fewer rows a page than `rows_per_page` (a page holding
    several tables, e.g. the staff's home; `?page_size=` of 改善事項一覧); never more.
    `rows_per_page`: the list's own page size where it is not ROWS_PER_PAGE (改善事項一覧: 100)."""
    most = ROWS_PER_PAGE if rows_per_page is None else rows_per_page
    size = most if per_page is None else max(1, min(per_page, most))
    paginator = Paginator(rows, size)
    if count is not None:
        paginator.count = count
    return paginator.get_page(number)


def read_by_keys(page, rows):
    """The page with its rows read in one query that sorts only the keys: a list sorted on
    columns of joined tables (改善事項一覧: year, bureau, project) otherwise sorts every row
    it may show, with all the joined columns, before the LIMIT; here a subquery sorts the
    keys of those rows alone and the page's rows are read whole by their keys (issue 27: at
    2,000 projects the evaluator's first page sorted 6,358 wide rows for 100). `rows`: the
    model's rows as the page shows them (select_related), without the list's filters (the keys
    have them) or its order (taken from the list), so the outer query reads and sorts the page
    alone."""
    listed = page.paginator.object_list
    bottom = (page.number - 1) * page.paginator.per_page
    keys = listed.values("pk")[bottom : bottom + page.paginator.per_page]
    rows = rows.filter(pk__in=Subquery(keys))
    if listed.query.order_by:  # else both have the model's default ordering
        rows = rows.order_by(*listed.query.order_by)
    page.object_list = rows
    return page
