from django.core.paginator import Paginator

# Tables that grow with the programme show a page of rows at a time; their exports hold all.
ROWS_PER_PAGE = 50


def page_of(request, rows):
    """The page of `rows` asked for by `?page=`."""
    return Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
