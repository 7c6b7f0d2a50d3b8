import contextlib

from django.core import signing
from django.db.models import Q, Subquery
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination, _positive_int
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class Pagination(PageNumberPagination):
    """`?page=2`, `?page_size=500` (at most 1,000): count, next, previous, results. For the
    projects' list (a few thousand rows at most); the other lists page by cursor."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class CursorPagination:
    """Keyset pagination for the lists over large tables (issue 27): `?cursor=` (opaque, taken
    from `next`), `?page_size=` (default 100, at most 1,000). Rows come in the order of `keys`
    (ascending, never null, unique together), and a page is `WHERE keys > the cursor's
    ORDER BY keys LIMIT size + 1`: no COUNT and no OFFSET, so the last page of 1.2 million rows
    costs what the first does. The cursor is the last row's keys, signed for its endpoint: a
    cursor edited by hand, or taken from another endpoint, answers 400. `count` is given only
    where the caller counts something cheap (`count=`). `rows`: the page's rows as the endpoint
    serializes them (select_related, prefetches), read by the keys of the page, which are sorted
    alone (a list that sorts all the rows the user may see sorts their keys, not their joined
    columns)."""

    page_size = 100
    max_page_size = 1000

    def __init__(self, *, endpoint: str, keys: tuple[str, ...], rows=None):
        self.salt = f"api.cursor.{endpoint}"
        self.keys = keys
        self.rows = rows

    def paginate_queryset(self, queryset, request) -> list:
        size = self._size(request)
        queryset = self._from_cursor(queryset, request)
        if self.rows is None:
            rows = list(queryset[: size + 1])
        else:  # the page's keys sorted alone, its rows read whole by them (read_by_keys)
            page = Subquery(queryset.values("pk")[: size + 1])
            rows = list(self.rows.filter(pk__in=page).order_by(*self.keys))
        return self._page(rows, size)

    def paginate_parts(self, parts: list, request) -> list:
        """A page of the union of `parts` (querysets of one model, which may overlap, each read
        in the order of the one key `pk` through its own index): the first page's worth of
        keys of each after the cursor (a query each), merged, and the page's rows read by them
        from `rows` (one query). For a union that, as one query (an OR), the database reads by
        walking every row in key order to find the few it holds (issue 27)."""
        if self.keys != ("pk",) or self.rows is None:
            raise ValueError("parts page by `pk` alone and read their rows from `rows`")
        size = self._size(request)
        keys = set()
        for part in parts:
            keys.update(self._from_cursor(part, request).values_list("pk", flat=True)[: size + 1])
        page = sorted(keys)[: size + 1]
        return self._page(list(self.rows.filter(pk__in=page).order_by("pk")), size)

    def _size(self, request) -> int:
        self.request = request
        params = request.query_params
        if "page" in params:
            raise ValidationError({"page": "this list pages by cursor: follow the `next` link"})
        size = self.page_size
        if "page_size" in params:
            with contextlib.suppress(ValueError):  # as PageNumberPagination: the default
                size = _positive_int(params["page_size"], strict=True, cutoff=self.max_page_size)
        return size

    def _from_cursor(self, queryset, request):
        queryset = queryset.order_by(*self.keys)
        if cursor := request.query_params.get("cursor"):
            queryset = queryset.filter(self._after(self.decode(cursor)))
        return queryset

    def _page(self, rows: list, size: int) -> list:
        self.next_keys = None
        if len(rows) > size:
            rows = rows[:size]
            self.next_keys = [_key_of(rows[-1], key) for key in self.keys]
        return rows

    def decode(self, cursor: str) -> list:
        try:
            values = signing.loads(cursor, salt=self.salt)
        except signing.BadSignature:
            values = None
        if not isinstance(values, list) or len(values) != len(self.keys):
            raise ValidationError(
                {"cursor": "not a cursor of this list: start without one and follow `next`"}
            )
        return values

    def encode(self, values: list) -> str:
        return signing.dumps(values, salt=self.salt)

    def _after(self, values: list):
        """(k1, k2, …) > (v1, v2, …): k1 > v1, or k1 = v1 and k2 > v2, …; with k1 ≥ v1 beside
        the OR, where there are several keys, so that the walk of the order's index starts
        at the cursor (a range on its first column) instead of at the index's first entry."""
        condition = Q()
        equal = {}
        for key, value in zip(self.keys, values, strict=True):
            condition |= Q(**equal, **{f"{key}__gt": value})
            equal[key] = value
        if len(self.keys) > 1:
            condition &= Q(**{f"{self.keys[0]}__gte": values[0]})
        return condition

    def next_link(self) -> str | None:
        if self.next_keys is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        return replace_query_param(url, "cursor", self.encode(self.next_keys))

    def get_paginated_response(self, data, *, count: int | None = None) -> Response:
        body = {} if count is None else {"count": count}
        return Response({**body, "next": self.next_link(), "results": data})


def _key_of(row, key: str):
    value = row
    for part in key.split("__"):
        value = getattr(value, part)
    return value
