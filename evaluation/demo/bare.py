"""The floors `bench` compares the app with (issue 27): a bare Django view of the tracking matrix's
cells, mounted beside the app's URLs only while `bench` measures it (`urlpatterns` below, used as
ROOT_URLCONF by `evaluation.demo.bench.matrix_figures`).

The bare view reads the same cells as the matrix page in two queries (the indicators, and the
project's settled values of FY2005–FY2010) and renders them in a plain template: no targets,
rates, ratings, reasons, filters, charts or layout. The matrix page's time over this one is what
the app's own work costs."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from evaluation.models import Indicator, MonitoredValue
from evaluation.selectors.matrix import FIRST_YEAR, LAST_YEAR

TEMPLATE = engines["django"].from_string(
    "<!doctype html><title>{{ code }}</title><table>"
    "<tr><th></th>{% for year in years %}<th>{{ year }}</th>{% endfor %}</tr>"
    "{% for name, cells in rows %}<tr><th>{{ name }}</th>"
    "{% for cell in cells %}<td>{{ cell|default_if_none:'' }}</td>{% endfor %}</tr>"
    "{% endfor %}</table>"
)


def bare_matrix(request, code):
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    indicators = Indicator.objects.order_by("category", "order").values_list("pk", "name_ja")
    cells = {
        (indicator, year): value
        for indicator, year, value in MonitoredValue.objects.settled()
        .filter(project__code=code, fiscal_year__gte=FIRST_YEAR, fiscal_year__lte=LAST_YEAR)
        .values_list("indicator_id", "fiscal_year", "value")
    }
    rows = [(name, [cells.get((pk, year)) for year in years]) for pk, name in indicators]
    return HttpResponse(TEMPLATE.render({"code": code, "years": years, "rows": rows}, request))


urlpatterns = [
    path("bench/bare-matrix/<str:code>/", bare_matrix, name="bench_bare_matrix"),
    path("", include("config.urls")),
]
