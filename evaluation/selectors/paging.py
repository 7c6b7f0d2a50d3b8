from django.core.paginator import Paginator

# Tables that grow with the programme show a page of rows at a time; their exports hold all.
ROWS_PER_PAGE = 50


def page_of(
    rows,
    number,
    count: int | None = None,
    per_page: int | None = None,
    *,
    rows_per_page: int = ROWS_PER_PAGE,
):
    """The page of `rows` numbered `number` (the `?page=` text; out of range or nonsense gives
    the nearest page). `count`, where the number of rows is known already (a kept total),
    spares the COUNT query. `per_page`: fewer rows a page than `rows_per_page` (a page holding
    several tables, e.g. the staff's home; `?page_size=` of 改善事項一覧); never more.
    `rows_per_page`: the list's own page size where it is not ROWS_PER_PAGE (改善事項一覧: 100)."""
    size = rows_per_page if per_page is None else max(1, min(per_page, rows_per_page))
    paginator = Paginator(rows, size)
    if count is not None:
        paginator.count = count
    return paginator.get_page(number)
