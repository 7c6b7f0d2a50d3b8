from django.core.paginator import Paginator

# Tables that grow with the programme show a page of rows at a time; their exports hold all.
ROWS_PER_PAGE = 50


def page_of(rows, number, count: int | None = None, per_page: int | None = None):
    """The page of `rows` numbered `number` (the `?page=` text; out of range or nonsense gives
    the nearest page). `count`, where the number of rows is known already (a kept total),
    spares the COUNT query. `per_page`: fewer rows a page than ROWS_PER_PAGE (a page holding
    several tables, e.g. the staff's home); never more."""
    size = ROWS_PER_PAGE if per_page is None else min(per_page, ROWS_PER_PAGE)
    paginator = Paginator(rows, size)
    if count is not None:
        paginator.count = count
    return paginator.get_page(number)
