"""The read-only JSON API: authentication by session or admin-issued token, the screens'
scoping, pagination, the four kinds of value, and pinned query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from evaluation.models import (
    ActionItem,
    AnnualReport,
    EvaluationCriterion,
    MonitoredValue,
    ProjectEvaluation,
    State,
    Target,
    TargetMilestone,
    TargetVersion,
)
from evaluation.services import summaries
from evaluation.services.list_positions import position_of
from projects.models import Project
from tests.factories import IndicatorFactory, ProjectFactory, walk_workflow
from tests.generated import generate_projects

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "api_projects",
    "api_targets",
    "api_values",
    "api_evaluations",
    "api_action_items",
]


def token_header(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


@pytest.fixture
def drafts(project, plan, users):
    """The own bureau's plan (draft) with the common target, and a draft FY2007 report with
    a number, a 該当なし and a 未把握 value."""
    common = IndicatorFactory(code="new-businesses-started", is_common_target=True)
    other = IndicatorFactory(code="ventures-created")
    third = IndicatorFactory(code="second-foundings")
    target = Target.objects.create(plan=plan, indicator=common, cumulation="flow")
    version = TargetVersion.objects.create(
        target=target,
        number=1,
        applies_from_fiscal_year=2006,
        baseline_value=Decimal(10),
        baseline_fiscal_year=2005,
        target_value=Decimal(100),
        target_fiscal_year=2010,
        author=users["staff"],
    )
    TargetMilestone.objects.create(version=version, fiscal_year=2007, value=Decimal(40))
    report = AnnualReport.objects.create(project=project, fiscal_year=2007)
    for indicator, kind, value in (
        (common, "number", Decimal("42")),
        (other, "not_applicable", None),
        (third, "unknown", None),
    ):
        MonitoredValue.objects.create(
            project=project, indicator=indicator, fiscal_year=2007, kind=kind, value=value,
            report=report,
        )  # fmt: skip
    # written here without the services, which keep the summaries (API 評定 reads them)
    summaries.refresh(project_ids=[project.pk])
    return {"report": report, "target": target}


@pytest.mark.parametrize("name", [*ENDPOINTS, "api_ratings"])
def test_anonymous_without_token_gets_401(client, name):
    response = client.get(reverse(name), {"fiscal_year": 2007})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_api_is_read_only(client, users, name):
    client.force_login(users["manager"])
    assert client.post(reverse(name)).status_code == 405


def test_a_token_issued_by_an_admin_reads_and_a_revoked_one_does_not(client, users, project):
    headers = token_header(users["staff"])
    response = client.get(reverse("api_projects"), **headers)
    assert response.status_code == 200
    assert [p["code"] for p in response.json()["results"]] == [project.code]
    Token.objects.filter(user=users["staff"]).delete()  # what the admin's delete does
    assert client.get(reverse("api_projects"), **headers).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(client, users):
    headers = token_header(users["staff"])
    users["staff"].is_active = False
    users["staff"].save()
    assert client.get(reverse("api_projects"), **headers).status_code == 401


def test_a_wrong_token_is_refused(client, users):
    response = client.get(reverse("api_projects"), HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401


def test_admins_issue_and_revoke_tokens_in_the_django_admin(client, users):
    client.force_login(users["admin"])
    add = reverse("admin:authtoken_tokenproxy_add")
    assert client.get(add).status_code == 200
    assert client.post(add, {"user": users["staff"].pk}).status_code == 302
    token = Token.objects.get(user=users["staff"])
    delete = reverse("admin:authtoken_tokenproxy_delete", args=[token.user_id])  # keyed by user
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Token.objects.exists()


def test_staff_cannot_issue_tokens(client, users):
    client.force_login(users["staff"])
    response = client.get(reverse("admin:authtoken_tokenproxy_add"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def codes_of(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.json()["results"]


def test_another_bureaus_drafts_never_appear(client, users, drafts):
    for name in ("api_values", "api_targets"):
        assert codes_of(client, users["other_staff"], name) == []
        assert codes_of(client, users["evaluator"], name) == []  # not assigned
        assert len(codes_of(client, users["staff"], name)) > 0
        assert len(codes_of(client, users["manager"], name)) > 0
    ratings = codes_of(client, users["other_staff"], "api_ratings", fiscal_year=2007)
    assert [r["targets"] for r in ratings] == [[]]  # the project, but no draft plan's targets
    # nor when the project is asked for by its code (its scope checked once for it)
    code = drafts["report"].project.code
    for who, shown in (("other_staff", 0), ("evaluator", 0), ("staff", 3), ("manager", 3)):
        assert len(codes_of(client, users[who], "api_values", project=code)) == shown, who


def test_approved_reports_values_appear_for_other_bureaus(client, users, drafts):
    AnnualReport.objects.filter(pk=drafts["report"].pk).update(state=State.APPROVED)
    rows = codes_of(client, users["other_staff"], "api_values")
    assert {r["indicator"] for r in rows} == {
        "new-businesses-started",
        "ventures-created",
        "second-foundings",
    }


def test_values_keep_the_four_kinds_apart(client, users, drafts):
    rows = codes_of(client, users["staff"], "api_values", fiscal_year=2007)
    by_code = {r["indicator"]: r for r in rows}
    assert by_code["new-businesses-started"]["kind"] == "number"
    assert by_code["new-businesses-started"]["value"] == "42"
    assert by_code["ventures-created"] == by_code["ventures-created"] | {
        "kind": "not_applicable",
        "value": None,
    }
    assert by_code["second-foundings"]["kind"] == "unknown"
    assert by_code["second-foundings"]["value"] is None
    assert by_code["second-foundings"]["fiscal_year_label"] == "2007年度（平成19年度）"
    assert by_code["second-foundings"]["report_state"] == "draft"


def test_targets_carry_their_versions(client, users, drafts):
    (row,) = codes_of(client, users["staff"], "api_targets")
    assert row["indicator"] == "new-businesses-started"
    assert row["plan_state"] == "draft"
    assert row["versions"] == [
        {
            "number": 1,
            "applies_from_fiscal_year": 2006,
            "baseline_value": "10",
            "baseline_fiscal_year": 2005,
            "target_value": "100",
            "target_fiscal_year": 2010,
            "milestones": [{"fiscal_year": 2007, "value": "40"}],
            "reason": "",
        }
    ]


def test_ratings_of_a_draft_say_why_nothing_is_rated(client, users, drafts):
    (row,) = codes_of(client, users["staff"], "api_ratings", fiscal_year=2007)
    (figure,) = row["targets"]
    assert figure["actual"] is None and figure["rating"] == "not_reporting"
    assert figure["missing_reason"] == "not_reporting"
    assert figure["missing_reason_label"] == "未報告"
    walk_workflow(drafts["report"], "submitted", users)
    (row,) = codes_of(client, users["manager"], "api_ratings", fiscal_year=2007)
    (figure,) = row["targets"]
    assert figure["actual"] is None and figure["missing_reason"] == "unapproved"
    assert figure["missing_reason_label"] == "未承認"


def test_ratings_match_the_report_page(client, users, drafts):
    from evaluation.selectors.achievement import target_achievements

    report = walk_workflow(drafts["report"], "approved", users)
    (row,) = codes_of(client, users["staff"], "api_ratings", fiscal_year=2007)
    (expected,) = target_achievements(report)
    (figure,) = row["targets"]
    assert figure["actual"] == "42" and figure["missing_reason"] is None
    assert figure["rating"] == expected["rating"]
    assert figure["target"] == "40" and expected["goal"] == 40
    assert figure["achievement_rate"] == f"{expected['rate'].normalize():f}"
    assert row["report_state"] == "approved"


@pytest.mark.parametrize("year", ["abc", "2020", "2005"])
def test_ratings_need_a_phase_ii_year(client, users, year):
    client.force_login(users["staff"])
    assert client.get(reverse("api_ratings"), {"fiscal_year": year}).status_code == 400


def test_ratings_default_to_the_latest_year_with_a_report(client, users, drafts):
    (row,) = codes_of(client, users["staff"], "api_ratings")
    assert row["fiscal_year"] == 2007


def test_an_evaluators_ratings_read_the_assigned_projects_submitted_report_and_plan(
    client, users, drafts, plan, project, bureau
):
    """The page's projects are scoped row by row (visible_to(among=)): the assigned project's
    submitted report and plan, not a draft, nor another project's approved ones."""
    from evaluation.models import EvaluationCriterion
    from evaluation.services.evaluations import round_create

    other = ProjectFactory(bureau=bureau, code="zz-other", order=99)
    walk_workflow(AnnualReport.objects.create(project=other, fiscal_year=2007), "approved", users)
    round_create(
        by=users["manager"], phase=project.phase, fiscal_year=2008, title="中間評価",
        criteria=[EvaluationCriterion.objects.create(code="c0", name_ja="観点")],
        assignments={project: [users["evaluator"]]},
    )  # fmt: skip

    def rows():
        found = codes_of(client, users["evaluator"], "api_ratings", fiscal_year=2007)
        return {r["code"]: (r["report_state"], len(r["targets"])) for r in found}

    assert rows() == {project.code: (None, 0), other.code: (None, 0)}  # drafts
    walk_workflow(drafts["report"], "submitted", users)
    walk_workflow(plan, "submitted", users)
    assert rows() == {project.code: ("submitted", 1), other.code: (None, 0)}


def test_pagination(client, users, bureau):
    for n in range(5):
        ProjectFactory(bureau=bureau, code=f"p-{n}", order=n)
    client.force_login(users["staff"])
    first = client.get(reverse("api_projects"), {"page_size": 2}).json()
    assert first["count"] == 5
    assert [p["code"] for p in first["results"]] == ["p-0", "p-1"]
    assert first["previous"] is None
    last = client.get(first["next"].replace("http://testserver", "")).json()
    assert [p["code"] for p in last["results"]] == ["p-2", "p-3"]
    assert client.get(reverse("api_projects"), {"page": 9}).status_code == 404


@pytest.mark.parametrize("few", [500, 0], ids=["few-assigned-sorted", "walk-checks-each-row"])
def test_evaluations_and_items_walk_by_cursor_in_the_list_order(
    client, users, project, monkeypatch, few
):
    """Issue 27: API 評価 and API 改善事項 page by cursor in their kept order (the round's year,
    the round, the project's order and code; the item's due year, the project's order and
    code, the item). A reader of a few evaluations (FEW_EVALUATIONS) reads them through their
    scope (assignments, bureau), one of more by walking the list's index, each row's scope
    checked; either way, for every reader, the pages hold the reader's rows once, in the
    list's order, as read through the rounds and projects themselves."""
    from evaluation.services.evaluations import round_create
    from evaluation.services.list_positions import list_positions_refill
    from tests.test_permission_matrix import evaluation_objects

    monkeypatch.setattr("evaluation.models.evaluations.FEW_EVALUATIONS", few)
    objects = evaluation_objects(project, users)
    done = objects["done"].project
    # a project first by order and last by code, assigned to nobody
    first = ProjectFactory(bureau=project.bureau, phase=project.phase, code="zz-first", order=0)
    Project.objects.filter(pk__in=[project.pk, done.pk]).update(order=5)
    list_positions_refill(projects=[project.pk, done.pk])  # as the admin's save of the order
    project.refresh_from_db()
    done.refresh_from_db()
    round_create(  # made after the FY2008 round, for an earlier year: the year sorts first
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2007,
        title="試行評価",
        criteria=EvaluationCriterion.objects.all(),
        assignments={project: [users["evaluator"]], first: [], done: []},
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            project=p,
            source="evaluation",
            evaluation=objects["done"],
            text=f"item {n}",
            due_fiscal_year=2010 - n % 2,
            **position_of(p),
        )
        for n, p in enumerate([project, first, done, project, first, done, done])
    )
    evaluation_order = ProjectEvaluation.objects.select_related("round", "project")
    item_order = ActionItem.objects.select_related("project")
    headers = {r: token_header(users[r]) for r in ("manager", "staff", "evaluator", "other_staff")}
    for reader, header in headers.items():
        user = users[reader]
        expected = sorted(
            evaluation_order.filter(pk__in=ProjectEvaluation.objects.visible_to(user)),
            key=lambda e: (e.round.fiscal_year, e.round_id, e.project.order, e.project.code),
        )
        rows, _pages = walk(client, "api_evaluations", {"page_size": 2}, header)
        assert [r["id"] for r in rows] == [e.pk for e in expected], reader
        expected = sorted(
            item_order.filter(pk__in=ActionItem.objects.visible_to(user)),
            key=lambda i: (i.due_fiscal_year, i.project.order, i.project.code, i.pk),
        )
        rows, _pages = walk(client, "api_action_items", {"page_size": 2}, header)
        assert [r["id"] for r in rows] == [i.pk for i in expected], reader
    # the walks were not empty: every evaluation and item for the manager, the assigned
    # projects' for the evaluator (the FY2007 round's first row is not theirs)
    assert ProjectEvaluation.objects.count() == 5 and ActionItem.objects.count() == 8
    evaluator = walk(client, "api_evaluations", {}, headers["evaluator"])[0]
    assert [(r["round"]["fiscal_year"], r["project"]) for r in evaluator] == [
        (2007, project.code),
        (2008, "done"),  # the same order as the project's: by code
        (2008, project.code),
    ]
    assert walk(client, "api_evaluations", {}, headers["other_staff"])[0] == []


def test_evaluations_and_items_answer_page_numbers_with_400(client, users, project):
    """They page by cursor only: `?page=` would give the first page again and again."""
    headers = token_header(users["manager"])
    for name in ("api_evaluations", "api_action_items"):
        response = client.get(reverse(name), {"page": 2}, **headers)
        assert response.status_code == 400 and "cursor" in response.json()["page"]


def test_evaluations_show_the_final_words_only_once_finished(client, users, project):
    from tests.test_permission_matrix import evaluation_objects

    objects = evaluation_objects(project, users)
    rows = codes_of(client, users["manager"], "api_evaluations")
    by_id = {r["id"]: r for r in rows}
    assert by_id[objects["done"].pk]["final_grade"] == "A"
    assert by_id[objects["done"].pk]["final_recommendations"] == "販路開拓"
    assert by_id[objects["open"].pk]["final_grade"] is None
    staff_rows = codes_of(client, users["staff"], "api_evaluations")
    assert [r["id"] for r in staff_rows] == [objects["done"].pk]
    assert codes_of(client, users["other_staff"], "api_evaluations") == []
    items = codes_of(client, users["staff"], "api_action_items")
    assert [i["text"] for i in items] == ["販路開拓"]
    assert codes_of(client, users["other_staff"], "api_action_items") == []


def test_english_names_sit_beside_the_japanese_ones(client, users, project, drafts):
    """Issue 24: the API gives the records' English names where they have them."""
    from evaluation.models import EvaluationRound
    from tests.test_permission_matrix import evaluation_objects

    objects = evaluation_objects(project, users)
    EvaluationRound.objects.filter(pk=objects["done"].round_id).update(name_en="FY2008 mid-term")
    project.bureau.__class__.objects.filter(pk=project.bureau_id).update(name_en="Kanto Bureau")
    evaluation = codes_of(client, users["manager"], "api_evaluations")[0]
    assert evaluation["round"]["name_en"] == "FY2008 mid-term" and evaluation["round"]["title"]
    mine = [
        p for p in codes_of(client, users["staff"], "api_projects") if p["code"] == project.code
    ]
    assert mine[0]["bureau_name_en"] == "Kanto Bureau"
    MonitoredValue.objects.first().indicator.__class__.objects.update(
        name_en="Indicator in English"
    )
    values = codes_of(client, users["staff"], "api_values")
    assert values and {v["indicator_name_en"] for v in values} == {"Indicator in English"}


@pytest.fixture
def many(users, bureau, project):
    from tests.test_permission_matrix import evaluation_objects

    evaluation_objects(project, users)  # a finished evaluation of the bureau, with its item
    indicators = [IndicatorFactory(code=f"gen-ind-{n}") for n in range(3)]
    generate_projects(30, bureau, indicators, users["manager"])


# (name, params, queries): the token and its user, the user's groups (not for projects, which
# every signed-in user reads), the page count, the page, and each endpoint's prefetches.
QUERY_BUDGET = [
    ("api_projects", {}, 4),  # + fields
    ("api_targets", {}, 5),  # + versions, milestones; no count: paged by cursor
    ("api_values", {"fiscal_year": 2007}, 3),  # no count: paged by cursor
    ("api_ratings", {"fiscal_year": 2007}, 8),  # + reports, the kept rows, their indicators,
    # the plans' own targets (none here), the count
    # no count: paged by cursor; + the staff's bureau's evaluations read up to
    # FEW_EVALUATIONS + 1, to choose how the page is read (evaluations.few_evaluations)
    ("api_evaluations", {}, 4),
    ("api_action_items", {}, 4),
]


@pytest.mark.parametrize(("name", "params", "queries"), QUERY_BUDGET)
def test_query_counts_are_pinned(
    client, users, many, django_assert_num_queries, name, params, queries
):
    headers = token_header(users["staff"])
    assert queries <= 15
    with django_assert_num_queries(queries):
        response = client.get(reverse(name), params, **headers)
    assert response.status_code == 200
    counts = {"api_evaluations": 1, "api_action_items": 1, "api_ratings": 25}  # a full page
    assert len(response.json()["results"]) >= counts.get(name, 30)


API_PARAMS = {
    "api_projects": {},
    "api_targets": {},
    "api_values": {"fiscal_year": 2007},
    "api_ratings": {"fiscal_year": 2007},
    "api_evaluations": {},
    "api_action_items": {},
}


def api_query_counts(client, headers: dict) -> dict:
    """(user, endpoint) → the queries of one page of 1,000 rows (every generated row fits, so
    a query per row would show)."""
    counts = {}
    for who, header in headers.items():
        for name, params in API_PARAMS.items():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(reverse(name), {**params, "page_size": 1000}, **header)
            assert response.status_code == 200
            counts[(who, name)] = len(captured.captured_queries)
    return counts


def test_every_endpoint_costs_the_same_queries_at_19_and_at_300_projects(
    client, users, bureau, project
):
    from tests.test_permission_matrix import evaluation_objects

    evaluation_objects(project, users)
    indicators = [IndicatorFactory(code=f"gen-ind-{n}") for n in range(3)]
    headers = {who: token_header(users[who]) for who in ("staff", "manager", "evaluator")}
    generate_projects(19, bureau, indicators, users["manager"])
    small = api_query_counts(client, headers)
    generate_projects(281, bureau, indicators, users["manager"], start=19)
    assert Project.objects.count() == 300 + 2  # and the matrix's two projects
    large = api_query_counts(client, headers)
    assert large == small
    assert max(large.values()) <= 15, large
    manager = client.get(reverse("api_values"), {"fiscal_year": 2007, "page_size": 1000},
                         **headers["manager"]).json()  # fmt: skip
    assert len(manager["results"]) == 300 * 3  # the large size was really read
    assert manager["next"] is None


def walk(client, name, params, headers=None) -> tuple[list[dict], int]:
    """Every page of a cursor-paged list, following `next`: (rows, pages)."""
    url, rows, pages = reverse(name), [], 0
    response = client.get(url, params, **(headers or {}))
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        pages += 1
        if body["next"] is None:
            return rows, pages
        assert "cursor=" in body["next"] and "page=" not in body["next"].replace("page_size", "")
        response = client.get(body["next"].replace("http://testserver", ""), **(headers or {}))


def test_walking_the_values_by_cursor_yields_every_row_once(client, users, many):
    headers = token_header(users["manager"])
    rows, pages = walk(client, "api_values", {"page_size": 7}, headers)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == MonitoredValue.objects.count() > 7 * 3
    assert ids == sorted(ids)  # one unique key orders the pages
    assert pages == -(-len(ids) // 7)
    assert "count" not in client.get(reverse("api_values"), **headers).json()
    filtered, _ = walk(client, "api_values", {"page_size": 5, "fiscal_year": 2007}, headers)
    assert [r["id"] for r in filtered] == list(
        MonitoredValue.objects.filter(fiscal_year=2007).order_by("pk").values_list("pk", flat=True)
    )


def test_walking_the_targets_by_cursor_yields_every_row_once(client, users, many):
    rows, _pages = walk(client, "api_targets", {"page_size": 9}, token_header(users["manager"]))
    ids = [r["id"] for r in rows]
    expected = list(Target.objects.order_by("pk").values_list("pk", flat=True))
    assert ids == sorted(set(ids)) == expected
    assert len(ids) > 9 * 3 and all(r["versions"] for r in rows)


def test_walking_the_ratings_by_cursor_yields_every_project_once(client, users, many):
    headers = token_header(users["manager"])
    rows, pages = walk(client, "api_ratings", {"page_size": 4, "fiscal_year": 2007}, headers)
    codes = [r["code"] for r in rows]
    expected = list(Project.objects.order_by("order", "code").values_list("code", flat=True))
    assert codes == expected and len(expected) > 4 * 3
    first = client.get(reverse("api_ratings"), {"page_size": 4, "fiscal_year": 2007}, **headers)
    assert first.json()["count"] == len(expected)  # projects: cheap to count
    default = client.get(reverse("api_ratings"), {"fiscal_year": 2007}, **headers).json()
    assert len(default["results"]) == 25 < len(expected) and default["next"]  # 25 projects a page


def test_a_tampered_or_foreign_cursor_answers_400(client, users, many):
    headers = token_header(users["manager"])
    first = client.get(reverse("api_values"), {"page_size": 2}, **headers).json()
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    for bad in (cursor[:-1] + ("A" if cursor[-1] != "A" else "B"), "abc", "W10:x"):
        response = client.get(reverse("api_values"), {"cursor": bad}, **headers)
        assert response.status_code == 400
        assert "cursor" in response.json()
    ratings = client.get(reverse("api_ratings"), {"cursor": cursor, "fiscal_year": 2007}, **headers)
    assert ratings.status_code == 400  # a cursor of another list
    # the page numbers of old clients: a clear 400, not the first page again and again
    paged = client.get(reverse("api_values"), {"page": 2}, **headers)
    assert paged.status_code == 400 and "next" in str(paged.json()["page"])


def test_cursor_pages_keep_the_bureau_scope(client, users, drafts):
    """Another bureau's staff walk the values without the bureau's drafts, page by page."""
    other, _ = walk(client, "api_values", {"page_size": 1}, token_header(users["other_staff"]))
    own, pages = walk(client, "api_values", {"page_size": 1}, token_header(users["staff"]))
    assert other == [] and len(own) == pages == 3


def test_a_cursor_page_costs_the_same_queries_deep_in_the_list(client, users, many):
    headers = token_header(users["manager"])
    first = client.get(reverse("api_values"), {"page_size": 3}, **headers).json()
    for _n in range(5):
        first = client.get(first["next"].replace("http://testserver", ""), **headers).json()
    with CaptureQueriesContext(connection) as deep:
        client.get(first["next"].replace("http://testserver", ""), **headers)
    with CaptureQueriesContext(connection) as start:
        client.get(reverse("api_values"), {"page_size": 3}, **headers)
    assert len(deep) == len(start) == 3
    assert not any("COUNT(" in q["sql"].upper() or "OFFSET" in q["sql"].upper() for q in deep)


@pytest.fixture
def assigned_late(users, many, project):
    """The evaluator assigned, in a FY2010 round, to the three generated projects made last:
    their approved plans' targets are the last of the table."""
    from evaluation.models import EvaluationCriterion
    from evaluation.services.evaluations import round_create

    late = list(Project.objects.filter(plans__isnull=False).order_by("-pk")[:3])
    round_create(
        by=users["manager"], phase=project.phase, fiscal_year=2010, title="最終評価",
        criteria=[EvaluationCriterion.objects.create(code="c-late", name_ja="観点")],
        assignments={p: [users["evaluator"]] for p in late},
    )  # fmt: skip
    return late


@pytest.mark.parametrize("few", [500, 0], ids=["few-assigned-sorted", "many-walked"])
def test_every_role_walks_the_targets_of_the_plans_it_may_see(
    client, users, assigned_late, drafts, monkeypatch, few
):
    """Managers' and staff's targets are walked in `id` order with each plan's scope checked
    (EXISTS), an evaluator's read through the assigned plans where they are few
    (FEW_EVALUATIONS), walked with each plan's assignment checked where they are many: for
    each, every page the same targets as the plans' scope gives, in `id` order (the own
    bureau's draft plan for its staff only, the assigned projects' plans only for the
    evaluator)."""
    from evaluation.models import ProjectPlan

    monkeypatch.setattr("evaluation.models.evaluations.FEW_EVALUATIONS", few)
    seen = {}
    for who in ("staff", "other_staff", "manager", "evaluator"):
        expected = list(
            Target.objects.filter(plan__in=ProjectPlan.objects.visible_to(users[who]))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows, pages = walk(client, "api_targets", {"page_size": 4}, token_header(users[who]))
        assert [r["id"] for r in rows] == expected, who
        assert pages == max(1, -(-len(expected) // 4))
        seen[who] = rows
    assert drafts["target"].pk in {r["id"] for r in seen["staff"]}
    assert drafts["target"].pk not in {r["id"] for r in seen["other_staff"]}
    assert len(seen["manager"]) == Target.objects.count()
    assert {r["project"] for r in seen["evaluator"]} == {p.code for p in assigned_late}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's EXPLAIN QUERY PLAN")
@pytest.mark.parametrize("few", [500, 0], ids=["few-assigned-sorted", "many-walked"])
def test_a_targets_page_sorts_no_targets_whole(client, users, assigned_late, monkeypatch, few):
    """Issue 27: for managers and staff the targets' page walks the targets in `id` order and
    stops at the page's last row (no sort of the 20,000 targets at 2,000 projects); so does an
    evaluator's of many projects; for an evaluator of a few the ids of the assigned plans'
    targets are sorted alone, in a subquery, and the page's rows read by them (not every
    target sorted with its joined columns)."""
    monkeypatch.setattr("evaluation.models.evaluations.FEW_EVALUATIONS", few)
    for who in ("manager", "staff", "evaluator"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("api_targets"), **token_header(users[who]))
            assert response.status_code == 200
        sql = next(
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].startswith('SELECT "evaluation_target"."id"')
        )
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = [(parent, step) for _id, parent, _notused, step in cursor.fetchall()]
        sorts = [parent for parent, step in plan if "TEMP B-TREE" in step]
        if who == "evaluator" and few:
            assert sorts and 0 not in sorts, plan  # the keys' subquery sorts, not the page
        else:
            assert plan[0][1] == "SCAN evaluation_target" and not sorts, (who, plan)


@pytest.mark.parametrize("few", [100, 1])  # the evaluator's filed reports: listed as ids, or not
def test_an_evaluators_values_are_the_published_and_the_assigned_projects_filed_ones(
    client, users, assigned_late, monkeypatch, few
):
    """Issue 27: an evaluator reads the values in two parts (evaluator_parts), the published
    figures and, where their assigned projects filed few reports (FEW_FILED), those reports'
    values listed by id, else the values whose assignment and report are checked row by row;
    either way every page holds the same rows: the published figures and the assigned
    projects' values of submitted or approved reports, in id order."""
    from django.db.models import Q

    from evaluation.models import ProjectEvaluation
    from evaluation.models.workflow import few_filed_reports

    monkeypatch.setattr("evaluation.models.workflow.FEW_FILED", few)
    evaluator = users["evaluator"]
    assigned = ProjectEvaluation.objects.filter(evaluators=evaluator).values("project")
    # the assigned projects' reports with values: one submitted (read), one draft (not read),
    # the rest approved (read)
    with_values = AnnualReport.objects.filter(project__in=assigned, values__isnull=False)
    reports = list(with_values.distinct().order_by("pk"))
    assert len(reports) >= 3, reports
    for report, state in zip(reports[:2], ["submitted", "draft"], strict=True):
        AnnualReport.objects.filter(pk=report.pk).update(state=state)
    filed = AnnualReport.objects.filter(project__in=assigned, state__in=["submitted", "approved"])
    listed = few_filed_reports(evaluator)
    if few == 100:
        assert listed == sorted(filed.values_list("project_id", "pk"))
    else:
        assert listed is None and filed.count() > 1
    # two published figures, one early and one late in the table, the late one with a report
    # of a project not assigned, in draft
    first, last = MonitoredValue.objects.order_by("pk")[:1][0], MonitoredValue.objects.latest("pk")
    first.report, first.origin = None, MonitoredValue.Origin.REFERENCE
    first.save()
    last.origin = MonitoredValue.Origin.REFERENCE
    last.save()
    AnnualReport.objects.filter(pk=last.report_id).exclude(project__in=assigned).update(
        state="draft"
    )
    # the scope as the screens read it (visible_to), and as the test reads it
    expected = list(
        MonitoredValue.objects.visible_to(evaluator).order_by("pk").values_list("pk", flat=True)
    )
    assert expected == list(
        MonitoredValue.objects.filter(Q(origin="reference") | Q(report__in=filed))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    drafted = MonitoredValue.objects.filter(report=reports[1]).values_list("pk", flat=True)
    submitted = MonitoredValue.objects.filter(report=reports[0]).values_list("pk", flat=True)
    assert drafted and not set(drafted) & set(expected) and set(submitted) <= set(expected)
    headers = token_header(evaluator)
    rows, pages = walk(client, "api_values", {"page_size": 4}, headers)
    assert [r["id"] for r in rows] == expected and pages == -(-len(expected) // 4)
    reported = {r["project"] for r in rows if r["origin"] == "reported"}
    assert reported and reported & {p.code for p in assigned_late}
    assert reported <= set(Project.objects.filter(pk__in=assigned).values_list("code", flat=True))
    assert {first.pk, last.pk} <= {r["id"] for r in rows}
    year, _ = walk(client, "api_values", {"page_size": 3, "fiscal_year": 2007}, headers)
    assert [r["id"] for r in year] == list(
        MonitoredValue.objects.filter(pk__in=expected, fiscal_year=2007)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # one project's values (its scope checked once for it): the same rows as the whole walk's,
    # for projects assigned and not (a published figure only), and none for an unknown code
    codes = {r["project"] for r in rows} | set(
        Project.objects.exclude(pk__in=assigned).values_list("code", flat=True)[:2]
    )
    for code in codes:
        one, _ = walk(client, "api_values", {"page_size": 3, "project": code}, headers)
        assert [r["id"] for r in one] == [r["id"] for r in rows if r["project"] == code], code
    assert walk(client, "api_values", {"project": "no-such-project"}, headers)[0] == []


def test_an_evaluator_of_no_filed_report_reads_the_published_figures_only(client, users):
    from evaluation.models.workflow import few_filed_reports

    published = MonitoredValue.objects.create(
        project=ProjectFactory(), indicator=IndicatorFactory(), fiscal_year=2007, kind="zero",
        value=0, origin=MonitoredValue.Origin.REFERENCE,
    )  # fmt: skip
    assert few_filed_reports(users["evaluator"]) == []
    rows, _ = walk(client, "api_values", {}, token_header(users["evaluator"]))
    assert [r["id"] for r in rows] == [published.pk]


def test_few_filed_reports_reads_nothing_for_other_roles(users, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from evaluation.models.workflow import few_filed_reports
    from projects.models import user_role

    users["evaluator"].is_active = False  # an evaluator whose account was closed
    for user in (users["manager"], users["staff"], users["evaluator"], AnonymousUser()):
        user_role(user)  # the role, read once and cached on the user
        with django_assert_num_queries(0):
            assert few_filed_reports(user) is None


def sqlite_plans(captured, table: str = "evaluation_monitoredvalue") -> list[list[str]]:
    """SQLite's plan of each captured query that reads `table` (its first FROM)."""
    plans = []
    for q in captured.captured_queries:
        if f'FROM "{table}"' in q["sql"]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + q["sql"])
                plans.append([step for *_ids, step in cursor.fetchall()])
    return plans


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's EXPLAIN QUERY PLAN")
def test_a_years_values_page_walks_the_years_rows_in_id_order(client, users, assigned_late):
    """Issue 27: a page of one fiscal year's values walks the index on (fiscal_year, id) and
    stops at the page's last row, for managers and staff: no sort of the year's rows (80,000
    at 2,000 projects, 190-260 ms a page on SQLite before). An evaluator of a few projects
    reads the published figures and the filed reports' values each through its own index,
    not the year's (the year's rows walked to find their few: 56-82 ms)."""
    for who in ("manager", "staff", "evaluator"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(
                reverse("api_values"), {"fiscal_year": 2007}, **token_header(users[who])
            )
            assert response.status_code == 200
            assert response.json()["results"], who
        plans = sqlite_plans(captured)
        if who != "evaluator":
            assert len(plans) == 1 and "USING INDEX value_year_id" in plans[0][0], (who, plans)
            assert not any("TEMP B-TREE" in step for step in plans[0]), (who, plans)
        else:  # the two parts, then the page's rows by their ids
            published, reports, page = plans
            assert "USING INDEX value_reference_id" in published[0], published
            steps = " ".join(reports)  # by the reports' index or their projects'
            assert "report_id" in reports[0] or "project_id" in reports[0], reports
            assert "value_year" not in steps, reports
            assert "USING INTEGER PRIMARY KEY" in page[0], page


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's EXPLAIN QUERY PLAN")
def test_an_evaluator_of_many_filed_reports_walks_the_values_checking_each_row(
    client, users, assigned_late, monkeypatch
):
    """Issue 27: an evaluator whose assigned projects filed more than FEW_FILED reports reads
    a page in two parts: the published figures through their own index, and the values (or
    the year's) walked in id order with each row's assignment and report checked (correlated
    subqueries: no list of every assignment, no join from the filed reports, no sort), then
    the page's rows by their ids."""
    monkeypatch.setattr("evaluation.models.workflow.FEW_FILED", 0)
    walks = (
        ({"fiscal_year": 2007}, "SEARCH evaluation_monitoredvalue USING INDEX value_year_id"),
        ({}, "SCAN evaluation_monitoredvalue"),  # in id order (the table's own key)
    )
    headers = token_header(users["evaluator"])
    for params, walked in walks:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("api_values"), params, **headers)
        assert response.status_code == 200 and response.json()["results"]
        published, assigned, page = sqlite_plans(captured)
        assert "USING INDEX value_reference_id" in published[0], published
        assert assigned[0].startswith(walked), assigned
        steps = " ".join(assigned)
        assert "CORRELATED" in steps and "LIST SUBQUERY" not in steps, assigned
        assert "TEMP B-TREE" not in steps and "evaluation_annualreport USING INDEX" not in steps
        assert "USING INTEGER PRIMARY KEY" in page[0], page


def test_the_ratings_read_the_kept_rows_not_the_values(client, users, many):
    """Issue 27: a page of ratings reads the summaries, as the dashboard does, and no monitored
    value (its report's state checked for every value of the page's projects made PostgreSQL
    hash every report: 5 ms at 2,000 projects)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            reverse("api_ratings"), {"fiscal_year": 2007}, **token_header(users["manager"])
        )
    assert response.status_code == 200
    assert any(row["targets"] for row in response.json()["results"])
    sql = [q["sql"] for q in captured.captured_queries]
    assert any('FROM "evaluation_targetyearsummary"' in q for q in sql), sql
    assert not any('"evaluation_monitoredvalue"' in q for q in sql), sql


def test_the_targets_versions_and_milestones_are_read_without_joins(client, users, many):
    """Issue 27: a page of targets reads its versions and their milestones by their parent's
    key alone; the milestones' own ordering joined each up to its version, target, plan,
    project, bureau and phase, hashing every version of the programme (2 → 6 ms at 2,000)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("api_targets"), **token_header(users["manager"]))
    assert response.status_code == 200
    assert any(t["versions"] and t["versions"][0]["milestones"] for t in response.json()["results"])
    for table in ("evaluation_targetversion", "evaluation_targetmilestone"):
        (sql,) = [q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"]]
        assert "JOIN" not in sql, sql
