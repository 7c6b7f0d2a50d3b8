"""Action items and project evaluations keep their place in the lists (issue 27): copies of
their project's bureau's order, the project's order and code (and an evaluation's round's
fiscal year), written with each new row and again in the transaction of each change that moves
them (the admin's save of a project or a bureau), so that 改善事項一覧, API 改善事項 and API 評価
list them in exactly the order read through the project, its bureau and the round, a page
walking an index instead of sorting every row the reader may see."""

import importlib
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import ActionItem, EvaluationCriterion, ProjectEvaluation
from evaluation.models import actions as action_models
from evaluation.services.evaluations import round_create
from evaluation.services.list_positions import position_of
from projects.models import Bureau, Project, Role
from tests.factories import ProjectFactory, UserFactory, rate_and_finish

pytestmark = pytest.mark.django_db

LIST_ORDER = ("due_fiscal_year", "project__bureau__order", "project__order", "pk")
API_ORDER = ("due_fiscal_year", "project__order", "project__code", "pk")
EVALUATION_ORDER = ("round__fiscal_year", "round_id", "project__order", "project__code")
ITEM_LINK = re.compile(r'<th scope="row"><a href="/actions/(\d+)/">')


@pytest.fixture
def world(project, other_bureau, users):
    """Four projects of two bureaus, with ties in their orders, each with a finished evaluation
    of two rounds (FY2008, FY2010) whose recommendations became items (through the services),
    all assigned to the evaluator; a fifth project's item, assigned to nobody."""
    project.order = 5
    project.save()
    projects = [
        project,
        ProjectFactory(bureau=project.bureau, phase=project.phase, code="b-kanto", order=5),
        ProjectFactory(bureau=other_bureau, phase=project.phase, code="a-kinki", order=5),
        ProjectFactory(bureau=other_bureau, phase=project.phase, code="c-kinki", order=1),
    ]
    criterion = EvaluationCriterion.objects.create(code="target-achievement", name_ja="目標")
    for year in (2008, 2010):
        evaluation_round = round_create(
            by=users["manager"],
            phase=project.phase,
            fiscal_year=year,
            title=f"評価（{year}年度）",
            criteria=[criterion],
            assignments={p: [users["evaluator"]] for p in projects},
        )
        for evaluation in evaluation_round.evaluations.order_by("-project__code"):
            rate_and_finish(
                evaluation, users, recommendations=f"{evaluation.project.code}の提言\n二つ目の提言"
            )
    # and an item of a project assigned to nobody: the managers' lists only
    lone = ProjectFactory(bureau=other_bureau, phase=project.phase, code="lone", order=3)
    ActionItem.objects.create(
        project=lone,
        source="evaluation",
        evaluation=evaluation,
        text="割り当てのないプロジェクトの提言",
        due_fiscal_year=2009,
        **position_of(lone),
    )
    return projects


@pytest.fixture
def keeper(db):
    return UserFactory(username="keeper", role=Role.ADMIN, is_staff=True)


def three_table(order) -> list[int]:
    return list(ActionItem.objects.order_by(*order).values_list("pk", flat=True))


def walk_api(client, name: str) -> list[int]:
    """The ids of an API list as the signed-in user reads it, following `next` (pages of 3)."""
    ids, response = [], client.get(reverse(name), {"page_size": 3})
    while True:
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        if body["next"] is None:
            return ids
        response = client.get(body["next"].replace("http://testserver", ""))


def listed(client, user, *, walk: bool, monkeypatch) -> tuple[list[int], list[int]]:
    """The item ids of 改善事項一覧 (by page number) and of API 改善事項 (by cursor) as `user`
    reads them, pages of 3 (the page's keys read by walking the index when `walk`, else
    sorted: SORT_UP_TO items for the list, FEW_EVALUATIONS evaluations in scope for the API)."""
    monkeypatch.setattr(action_models, "SORT_UP_TO", -1 if walk else 10_000)
    monkeypatch.setattr("evaluation.models.evaluations.FEW_EVALUATIONS", 0 if walk else 10_000)
    client.force_login(user)
    html, page = [], 1
    while True:
        body = client.get(reverse("action_item_list"), {"page_size": 3, "page": page})
        html += [int(pk) for pk in ITEM_LINK.findall(body.content.decode())]
        if not body.context["page"].has_next():
            return html, walk_api(client, "api_action_items")
        page += 1


def assert_the_lists_keep_the_three_table_order(client, users, monkeypatch):
    items = ActionItem.objects.select_related("project__bureau")
    assert {(i.bureau_order, i.project_order, i.project_code) for i in items} == {
        (i.project.bureau.order, i.project.order, i.project.code) for i in items
    }
    evaluations = ProjectEvaluation.objects.select_related("round", "project")
    assert {(e.round_fiscal_year, e.project_order, e.project_code) for e in evaluations} == {
        (e.round.fiscal_year, e.project.order, e.project.code) for e in evaluations
    }
    every = (three_table(LIST_ORDER), three_table(API_ORDER))
    assert list(ActionItem.objects.values_list("pk", flat=True)) == every[0]
    by_rounds = list(
        ProjectEvaluation.objects.order_by(*EVALUATION_ORDER).values_list("pk", flat=True)
    )
    for role in ("manager", "evaluator"):
        visible = set(ActionItem.objects.visible_to(users[role]).values_list("pk", flat=True))
        expected = tuple([pk for pk in order if pk in visible] for order in every)
        assert len(expected[0]) == len(every[0]) - (role == "evaluator")
        for walk in (False, True):
            assert listed(client, users[role], walk=walk, monkeypatch=monkeypatch) == expected
            assert walk_api(client, "api_evaluations") == by_rounds  # all theirs, both roles


def admin_save(client, obj, *, version=None, **changes):
    """POST the admin's change form of `obj` with its current values and `changes`; with a
    `version` (a history row of `obj`), the history's revert form with that version's values."""
    model_admin = admin.site._registry[type(obj)]
    request = RequestFactory().get("/")
    request.user = UserFactory.build(is_superuser=True)
    form = model_admin.get_form(request, obj, change=True)(instance=obj)
    data = {
        name: field.prepare_value(form[name].value())
        for name, field in form.fields.items()
        if form[name].value() is not None
    }
    for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset.get_default_prefix()
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    data |= changes
    name = f"admin:projects_{type(obj)._meta.model_name}"
    if version is None:
        url = reverse(f"{name}_change", args=[obj.pk])
    else:
        url = reverse(f"{name}_simple_history", args=[obj.pk, version.history_id])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_new_items_take_their_projects_place(world):
    items = ActionItem.objects.select_related("project__bureau")
    assert len(items) == 17
    for item in items:
        assert (item.bureau_order, item.project_order, item.project_code) == (
            item.project.bureau.order,
            item.project.order,
            item.project.code,
        )


def test_the_lists_keep_the_three_table_order_after_the_admin_moves_projects_and_bureaus(
    client, world, users, keeper, monkeypatch, other_bureau
):
    project, b_kanto, a_kinki, c_kinki = world
    # the bureaus' orders tie (0) and the projects' orders too (5): ids break the ties
    assert_the_lists_keep_the_three_table_order(client, users, monkeypatch)
    before = three_table(LIST_ORDER)
    client.force_login(keeper)
    admin_save(client, other_bureau, order=1)  # 近畿 after 関東 now
    assert three_table(LIST_ORDER) != before
    client.force_login(keeper)
    admin_save(client, Project.objects.get(pk=c_kinki.pk), order=9, code="0-kinki")
    client.force_login(keeper)
    admin_save(client, Project.objects.get(pk=b_kanto.pk), bureau=other_bureau.pk)
    assert set(
        ActionItem.objects.filter(project=b_kanto).values_list("bureau_order", flat=True)
    ) == {1}
    assert_the_lists_keep_the_three_table_order(client, users, monkeypatch)
    client.force_login(keeper)
    admin_save(client, Bureau.objects.get(pk=project.bureau_id), order=2)  # 関東 last
    assert_the_lists_keep_the_three_table_order(client, users, monkeypatch)


def test_walking_and_sorting_cost_the_same_queries(client, world, users, monkeypatch):
    counts = {}
    pages = {"action_item_list": {"page": 2}, "api_action_items": {}, "api_evaluations": {}}
    for walk in (False, True):
        monkeypatch.setattr(action_models, "SORT_UP_TO", -1 if walk else 10_000)
        monkeypatch.setattr("evaluation.models.evaluations.FEW_EVALUATIONS", 0 if walk else 10_000)
        client.force_login(users["evaluator"])
        for name, params in pages.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(name), {"page_size": 3, **params})
                assert response.status_code == 200
            counts[walk, name] = len(queries)
            # the walk checks the assignment row by row (EXISTS); the sort lists them
            sql = queries.captured_queries[-1]["sql"]
            assert ("EXISTS" in sql) is walk, sql
    for name in pages:
        assert counts[False, name] == counts[True, name]


def test_a_reader_of_many_evaluations_walks_the_index(users, world, monkeypatch):
    """Beyond FEW_EVALUATIONS in their scope (the evaluator's 8 assignments, the staff's bureau's
    4 evaluations), a reader's API page is read row by row (EXISTS); up to it, through their
    scope. Managers read the whole list either way, with no query to decide."""
    from evaluation.models import evaluations

    for role, size in (("evaluator", 8), ("staff", 4)):
        for few, walks in ((size, False), (size - 1, True)):
            monkeypatch.setattr(evaluations, "FEW_EVALUATIONS", few)
            for model in (ActionItem, ProjectEvaluation):
                with CaptureQueriesContext(connection) as queries:
                    scope = model.objects.api_page_scope(users[role])
                # one read of the scope, stopped after FEW_EVALUATIONS + 1 rows and not sorted
                # (the evaluations' Meta.ordering would sort a whole bureau's first)
                sqls = [q["sql"] for q in queries.captured_queries]
                (decide,) = [sql for sql in sqls if "evaluation_projectevaluation" in sql]
                assert "LIMIT" in decide and "ORDER BY" not in decide, decide
                assert ("EXISTS" in str(scope.query)) is walks, (role, few)
                rows = set(scope.values_list("pk", flat=True))
                assert rows == set(
                    model.objects.visible_to(users[role]).values_list("pk", flat=True)
                )
                assert rows
    manager = users["manager"]
    for model in (ActionItem, ProjectEvaluation):
        with CaptureQueriesContext(connection) as queries:
            scope = model.objects.api_page_scope(manager)
        assert str(scope.query) == str(model.objects.all().query) and not queries


def test_a_reader_of_many_items_walks_the_index(users):
    """Beyond SORT_UP_TO items, an evaluator's page is read item by item; up to it, listed."""
    evaluator = users["evaluator"]
    few = ActionItem.objects.paged_for(evaluator, action_models.SORT_UP_TO)
    many = ActionItem.objects.paged_for(evaluator, action_models.SORT_UP_TO + 1)
    assert "EXISTS" not in str(few.query) and "EXISTS" in str(many.query)
    manager = users["manager"]
    assert str(ActionItem.objects.paged_for(manager, 10**6).query) == str(
        ActionItem.objects.visible_to(manager).query
    )


def test_the_migrations_fill_every_items_and_evaluations_place(world):
    ActionItem.objects.update(bureau_order=7, project_order=7, project_code="stale")
    ProjectEvaluation.objects.update(round_fiscal_year=7, project_order=7, project_code="stale")

    class Editor:
        connection = connection

    from django.apps import apps

    for name in ("0029_q32rank", "0031_q34evalplace"):
        importlib.import_module(f"evaluation.migrations.{name}").fill(apps, Editor())
    items = ActionItem.objects.select_related("project__bureau")
    assert {(i.pk, i.bureau_order, i.project_order, i.project_code) for i in items} == {
        (i.pk, i.project.bureau.order, i.project.order, i.project.code) for i in items
    }
    evaluations = ProjectEvaluation.objects.select_related("round", "project")
    assert len(evaluations) == 8
    assert {(e.pk, e.round_fiscal_year, e.project_order, e.project_code) for e in evaluations} == {
        (e.pk, e.round.fiscal_year, e.project.order, e.project.code) for e in evaluations
    }


def test_a_revert_from_the_projects_history_moves_its_items_back(client, world, keeper):
    project = world[3]
    client.force_login(keeper)
    admin_save(client, Project.objects.get(pk=project.pk), code="z-kinki")
    codes = ActionItem.objects.filter(project=project).values_list("project_code", flat=True)
    assert set(codes) == {"z-kinki"}
    codes = ProjectEvaluation.objects.filter(project=project).values_list("project_code", flat=True)
    assert list(codes) == ["z-kinki", "z-kinki"]
    version = project.history.filter(code="c-kinki").latest("history_date")
    admin_save(client, version.instance, version=version)
    assert Project.objects.get(pk=project.pk).code == "c-kinki"
    codes = ActionItem.objects.filter(project=project).values_list("project_code", flat=True)
    assert set(codes) == {"c-kinki"}
    codes = ProjectEvaluation.objects.filter(project=project).values_list("project_code", flat=True)
    assert list(codes) == ["c-kinki", "c-kinki"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's EXPLAIN QUERY PLAN")
@pytest.mark.parametrize("role", ["manager", "staff", "evaluator"])
def test_a_page_of_many_walks_the_lists_index_without_a_sort(users, world, monkeypatch, role):
    """Issue 27: for a reader of many evaluations, a page's keys of API 評価 and API 改善事項
    are read by walking the list's index and stopping (no sort of every row the reader may see:
    4,000 evaluations and 6,000 items for an evaluator of 2,000 projects); a reader of a few
    reads them through their scope and sorts those few."""
    from evaluation.models.actions import API_ORDER as ITEM_KEYS
    from evaluation.models.evaluations import EVALUATION_API_ORDER

    lists = (
        (ProjectEvaluation, EVALUATION_API_ORDER, "evaluation_api_position"),
        (ActionItem, ITEM_KEYS, "item_api_position"),
    )
    for few in (0, 10_000):
        monkeypatch.setattr("evaluation.models.evaluations.FEW_EVALUATIONS", few)
        for model, keys, index in lists:
            page = model.objects.api_page_scope(users[role]).order_by(*keys).values("pk")[:4]
            sql, params = page.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " / ".join(step for *_ids, step in cursor.fetchall())
            walks = few == 0 or role == "manager"
            assert (f"INDEX {index}" in plan and "TEMP B-TREE" not in plan) is walks, plan
