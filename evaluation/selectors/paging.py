from django.core.paginator import Paginator

# Tables that grow with the programme show a page of rows at a time; their exports hold all.
ROWS_PER_PAGE = 50


def page_of(rows, number):
    """The page of `rows` numbered `number` (the `?page=` text; out of range or nonsense gives
    the nearest page)."""
    return Paginator(rows, ROWS_PER_PAGE).get_page(number)
