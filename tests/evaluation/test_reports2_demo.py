"""The demo data shows every chart of Reports 2/3, with the seed's series and shares, and a
second load duplicates nothing."""

import io
import re
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from evaluation.models import EconomicFigure, PanelFigure, PanelFirm, ProjectEvaluation, Survey
from projects.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The reference and demo data, loaded once per module (once per xdist worker) inside a
    transaction rolled back after the module's last test; each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_reference", verbosity=0)
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_world, db):
    pass


def charts(response) -> int:
    return len(re.findall(r'<svg class="chart-svg" role="img"', response.content.decode()))


def test_demo_shows_every_chart(demo, client):
    client.force_login(User.objects.get(username="manager"))
    latest = client.get(reverse("economic_index"))
    assert charts(latest) == 3 and "指数なし" not in latest.content.decode()
    seed = client.get(reverse("economic_index"), {"first": 2000, "last": 2003})
    assert charts(seed) == 3 and "1.612" in seed.content.decode()
    surveys = client.get(reverse("survey_list"))
    assert charts(surveys) == 2
    page = surveys.content.decode()
    assert "58.7" in page and "38.5" in page and "18.9" in page and "133" in page
    evaluation = ProjectEvaluation.objects.select_related("round", "project").first()
    sheet = client.get(
        reverse("evaluation_sheet", args=[evaluation.round_id, evaluation.project.code])
    )
    assert charts(sheet) >= 1
    rollup = client.get(reverse("round_rollup", args=[evaluation.round_id]))
    assert charts(rollup) == 1
    matrix = client.get(reverse("tracking_matrix", args=[evaluation.project.code]))
    assert charts(matrix) >= 1
    for row in matrix.context["charts"]:  # each chart's table is the matrix's own figures
        # counts without decimals (46, 1,628), real decimals kept: compared as numbers
        goals = [None if g == "—" else D(g.replace(",", "")) for _, g, *__ in row["chart"].rows]
        assert goals == [None if c["goal"] is None else D(c["goal"]) for c in row["cells"]]


def test_seed_survey_keeps_shares_with_the_response_rate(demo):
    seed = Survey.objects.get(project=None, fiscal_year=2004)
    assert seed.respondents is None and seed.response_rate_value == D("40.0")
    shares = {a.item: a.share for a in seed.answers.all()}
    assert shares == {
        "new-business": D("58.7"),
        "new-collaboration": D("38.5"),
        "second-founding": D("18.9"),
    }
    assert seed.university_ventures == 133


def test_second_load_duplicates_nothing(demo):
    counts = (
        PanelFirm.objects.count(),
        PanelFigure.objects.count(),
        EconomicFigure.objects.count(),
        Survey.objects.count(),
        Survey.history.count(),
    )
    call_command("load_reference", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    assert counts == (
        PanelFirm.objects.count(),
        PanelFigure.objects.count(),
        EconomicFigure.objects.count(),
        Survey.objects.count(),
        Survey.history.count(),
    )
