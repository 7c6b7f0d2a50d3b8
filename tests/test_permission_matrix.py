"""Every URL pattern × every role of DOMAIN.md (and anonymous) × GET/POST, and for the pages of
a stateful record × every state of that record → the expected answer.

The list of patterns is read from the URLconf: a pattern missing from MATRIX fails
`test_every_url_pattern_is_in_the_matrix`, so no later page can skip the matrix. The states are
read from the models' choices (STATES), and every model with a `state` field must be one of
RECORDS: a new state or a new stateful model fails `test_every_state_of_every_stateful_record`.
Django admin URLs are one entry (ADMIN): only the admin role enters; everyone else is sent to
its login. POSTs are empty: an owner's empty form answers 200 with errors, and changes nothing.

Forged requests (a user naming, in the URL or in a posted field, an object that is not theirs)
are checked for every POST endpoint that names a bureau's object in tests/test_forged_requests.py.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from evaluation.models import (
    Action,
    ActionItem,
    AnnualReport,
    ProjectEvaluation,
    ProjectPlan,
    State,
    Survey,
    YearlyPlan,
)
from evaluation.models.workflow import TRANSITIONS, may_take
from projects.models import Role
from tests.factories import IndicatorFactory, conftest_world, walk_action_item, walk_workflow

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "other_staff", "manager", "evaluator", "admin"]
SIGNED_IN = ROLES[1:]
# Each stateful record and its models; the states of each record are its models' choices.
RECORDS = {
    "workflow": [ProjectPlan, YearlyPlan, AnnualReport, Survey],
    "evaluation": [ProjectEvaluation],
    "action_item": [ActionItem],
}
STATES = {
    record: [value for value, _label in models[0]._meta.get_field("state").choices]
    for record, models in RECORDS.items()
}
FINISHED = ProjectEvaluation.State.FINISHED
LOGIN = "login-redirect"  # 302 to the login page
ROLE_OF = {
    "staff": Role.STAFF,
    "other_staff": Role.STAFF,
    "manager": Role.MANAGER,
    "evaluator": Role.EVALUATOR,
    "admin": Role.ADMIN,
}


def plan_visible(role: str, state: str) -> bool:
    """DOMAIN.md: own bureau always; other bureaus when approved; managers and admins always;
    evaluators when submitted or approved, for projects assigned to them in a round (the
    matrix's project is assigned to the evaluator)."""
    return (
        role in ("staff", "manager", "admin")
        or (role == "other_staff" and state == "approved")
        or (role == "evaluator" and state in ("submitted", "approved"))
    )


def plan_editable(role: str, state: str) -> bool:
    return role == "staff" and state in ("draft", "returned", "reopened")


@dataclass
class Row:
    kwargs: Callable[[dict], dict]
    answer: Callable[[str, str, str], object]  # (role, method, state) → status or LOGIN
    stateful: bool = False  # run in every workflow state (plans, yearly plans, reports, surveys)
    record: str | None = None  # run in every state of another record of RECORDS
    subject: str | None = None  # the workflow object walked, when the URL name does not say

    @property
    def states(self) -> list:
        if self.record:
            return STATES[self.record]
        return STATES["workflow"] if self.stateful else [None]


def signed_in(answer):
    """Anonymous users are sent to log in before anything else is decided."""
    return lambda role, method, state: LOGIN if role == "anonymous" else answer(role, method, state)


def read_only_page(role, method, state):
    return 200 if method == "GET" else 405


def plan_read(role, method, state):
    if method == "POST":
        return 405
    return 200 if plan_visible(role, state) else 404


def plan_edit(role, method, state):
    if not plan_visible(role, state):
        return 404
    return 200 if plan_editable(role, state) else 403


def plan_compare(role, method, state):
    if method == "POST":
        return 405
    return 302 if plan_visible(role, state) else 404  # fewer than two revisions: back to plan


def plan_transition(action, gaps=True):
    """`gaps`: the matrix's record leaves something incomplete (an empty plan, yearly plan or
    report), so an empty POST of a submission is refused until the submitter confirms it (issue
    23); a survey has no such check."""

    def answer(role, method, state):
        if not plan_visible(role, state):
            return 404
        allowed = may_take(action, state=state, role=ROLE_OF[role], own_bureau=role == "staff")
        if not allowed:
            return 403
        if method == "GET":
            return 200
        if action == Action.SUBMIT and gaps:
            return 200  # the confirmation of the incomplete items is required
        return 200 if action in (Action.RETURN, Action.REOPEN) else 302  # comment required

    return answer


def plan_kwargs(extra=None):
    def kwargs(objects):
        plan = objects["plan"]
        return {"code": plan.project.code, "phase": plan.phase.code, **(extra or {})}

    return kwargs


def target_kwargs(which):
    def kwargs(objects):
        plan = objects["plan"]
        target = plan.targets.get(indicator__code=which)
        return {"code": plan.project.code, "phase": plan.phase.code, "target_id": target.pk}

    return kwargs


def target_remove_answer(role, method, state):
    """The optional target is removable by the owner while the plan is editable."""
    return plan_edit(role, method, state)


def yearly_kwargs(extra=None):
    def kwargs(objects):
        yearly = objects["yearly"]
        return {"code": yearly.project.code, "fiscal_year": yearly.fiscal_year, **(extra or {})}

    return kwargs


def report_kwargs(extra=None):
    def kwargs(objects):
        report = objects["report"]
        return {"code": report.project.code, "fiscal_year": report.fiscal_year, **(extra or {})}

    return kwargs


def board(role, method, state):
    if method == "POST":
        return 405
    return 200 if role in ("manager", "admin") else 403


def dashboard_table(role, method, state):
    """The home page's summary and heat map: staff (their bureau), managers and admins."""
    if method == "POST":
        return 405
    return 403 if role == "evaluator" else 200


def manager_form(role, method, state):
    return 200 if role == "manager" else 403


def evaluation_kwargs(o):
    return {"round_id": o["evaluation"].round_id, "code": o["evaluation"].project.code}


def evaluation_visible(role: str, state: str) -> bool:
    """Managers, admins and the assigned evaluator always; the project's bureau once final."""
    return role in ("manager", "admin", "evaluator") or (role == "staff" and state == FINISHED)


def evaluation_read(role, method, state):
    if method == "POST":
        return 405
    return 200 if evaluation_visible(role, state) else 404


def evaluation_write(writer, post_answer=200):
    """Only `writer` (manager or evaluator), only while in progress; an invalid POST shows the
    form again (200), a valid one redirects (`post_answer`)."""

    def answer(role, method, state):
        if not evaluation_visible(role, state):
            return 404
        if role != writer or state == FINISHED:
            return 403
        return 200 if method == "GET" else post_answer

    return answer


def round_read(role, method, state):
    if method == "POST":
        return 405
    return 404 if role == "other_staff" else 200  # no finished evaluation of their bureau


def item_read(role, method, state):
    if method == "POST":
        return 405
    return 404 if role == "other_staff" else 200  # the item's project is the staff's bureau's


ITEM_MOVES = {
    # move: (who may make it, from which states) — DOMAIN.md: staff answer, a manager verifies
    "plan": ("staff", {"open", "planned"}),
    "done": ("staff", {"planned"}),
    "verify": ("manager", {"done"}),
    "dismiss": ("manager", {"open", "planned", "done"}),
}


def item_move(move):
    """Staff of the item's bureau plan it and mark it done, a manager verifies or dismisses it;
    a closed item (verified, dismissed) moves no more. A POST without the form's version shows
    the form again (200)."""
    writer, states = ITEM_MOVES[move]

    def answer(role, method, state):
        if role == "other_staff":
            return 404
        return 200 if role == writer and state in states else 403

    return answer


def api_read(role, method, state):
    """The JSON API: no login page, 401 without a session or token; GET only."""
    if role == "anonymous":
        return 401
    return 200 if method == "GET" else 405


def overall_edit(role, method, state):
    return 200 if role == "manager" else 403


def budgets_answer(role, method, state):
    return 200 if method == "GET" else overall_edit(role, method, state)


def survey_create_answer(role, method, state):
    """Managers make national surveys, staff their bureau's; an empty POST shows the form."""
    return 200 if role in ("staff", "other_staff", "manager") else 403


def national_survey_visible(role: str, state: str) -> bool:
    """Managers and admins always; everyone signed in once approved."""
    return role in ("manager", "admin") or state == "approved"


def national_survey_read(role, method, state):
    if method == "POST":
        return 405
    return 200 if national_survey_visible(role, state) else 404


def national_survey_edit(role, method, state):
    if not national_survey_visible(role, state):
        return 404
    return 200 if role == "manager" and state in ("draft", "returned", "reopened") else 403


def national_survey_transition(action):
    """The manager writes, submits and decides a national survey; no bureau has a part in it."""

    def answer(role, method, state):
        if not national_survey_visible(role, state):
            return 404
        if role != "manager" or state not in TRANSITIONS[action][0]:
            return 403
        if method == "GET":
            return 200
        return 200 if action in (Action.RETURN, Action.REOPEN) else 302  # comment required

    return answer


survey_kwargs = lambda o: {"survey_id": o["survey"].pk}  # noqa: E731
national_survey_kwargs = lambda o: {"survey_id": o["national_survey"].pk}  # noqa: E731
project_kwargs = lambda o: {"code": o["project"].code}  # noqa: E731
no_kwargs = lambda o: {}  # noqa: E731


def member_names(role, method, state):
    if method == "POST":
        return 405
    return 403 if role == "other_staff" else 200


def member_import_answer(role, method, state):
    return 200 if role == "staff" else 403


def member_apply_answer(role, method, state):
    if role != "staff":
        return 403
    return 200 if method == "GET" else 400  # an empty POST has no preview to apply


def organisation_kwargs(objects):
    from projects.models import Organisation

    organisation, _created = Organisation.objects.get_or_create(name="行列の組織", type="other")
    return {"organisation_id": organisation.pk}


def tool_kwargs(objects):
    from projects.models import PolicyTool

    tool, _created = PolicyTool.objects.get_or_create(code="matrix-tool", name_ja="行列の施策")
    return {"code": tool.code}


def matrix_case(objects):
    """A case and an adoption of the matrix's project (made once, read back after)."""
    from projects.models import Adoption, CollaborationCase, PolicyTool

    project = objects["project"]
    case, _created = CollaborationCase.objects.get_or_create(project=project, title="行列の事例")
    tool = PolicyTool.objects.get(code=tool_kwargs(objects)["code"])
    adoption, _created = Adoption.objects.get_or_create(
        project=project,
        tool=tool,
        fiscal_year=2007,
        consortium_name="行列の連携体",
        defaults={"amount_yen": 1000},
    )
    return case, adoption


def case_kwargs(objects):
    return {"code": objects["project"].code, "case_id": matrix_case(objects)[0].pk}


def adoption_kwargs(objects):
    return {"code": objects["project"].code, "adoption_id": matrix_case(objects)[1].pk}


def case_read(role, method, state):
    """The project's bureau, managers, admins and the assigned evaluator; not another bureau."""
    if method == "POST":
        return 405
    return 404 if role == "other_staff" else 200


def case_write(role, method, state):
    """The project's bureau's staff (an empty POST: the form with its errors); another
    bureau's staff 404, readers 403."""
    if role == "other_staff":
        return 404
    return 200 if role == "staff" else 403


def case_delete_answer(role, method, state):
    """The project's bureau's staff confirm (GET) and delete (POST from the page's form; an
    empty POST is refused, 400); another bureau's staff 404, readers 403."""
    if role == "other_staff":
        return 404
    if role != "staff":
        return 403
    return 200 if method == "GET" else 400


def adoption_apply_answer(role, method, state):
    if role == "other_staff":
        return 404
    if role != "staff":
        return 403
    return 200 if method == "GET" else 400  # an empty POST has no preview to apply


MATRIX: dict[str, list[Row]] = {
    "home": [Row(no_kwargs, signed_in(read_only_page))],
    "notification_list": [Row(no_kwargs, signed_in(read_only_page))],
    "project_list": [Row(no_kwargs, signed_in(read_only_page))],
    "project_detail": [Row(project_kwargs, signed_in(read_only_page))],
    "tracking_matrix": [Row(project_kwargs, signed_in(read_only_page))],
    "national_rollup": [Row(no_kwargs, signed_in(read_only_page))],
    "indicator_across_projects": [
        Row(lambda o: {"code": "new-businesses-started"}, signed_in(read_only_page))
    ],
    "login": [Row(no_kwargs, lambda role, m, s: 200 if role == "anonymous" else 302)],
    "logout": [Row(no_kwargs, lambda role, method, s: 405 if method == "GET" else 302)],
    "set_language": [Row(no_kwargs, lambda *a: 302)],
    "plan_create": [
        Row(project_kwargs, signed_in(lambda role, m, s: 200 if role == "staff" else 403))
    ],
    "plan_detail": [Row(plan_kwargs(), signed_in(plan_read), stateful=True)],
    "plan_vision_edit": [Row(plan_kwargs(), signed_in(plan_edit), stateful=True)],
    "plan_scenario_revise": [Row(plan_kwargs(), signed_in(plan_edit), stateful=True)],
    "plan_strategies_edit": [Row(plan_kwargs(), signed_in(plan_edit), stateful=True)],
    "plan_scenario_compare": [Row(plan_kwargs(), signed_in(plan_compare), stateful=True)],
    "plan_transition": [
        Row(plan_kwargs({"action": action.value}), signed_in(plan_transition(action)), True)
        for action in Action
    ],
    "target_add": [Row(plan_kwargs(), signed_in(plan_edit), stateful=True)],
    "target_edit": [
        Row(target_kwargs("new-businesses-started"), signed_in(plan_edit), stateful=True)
    ],
    "target_remove": [
        Row(target_kwargs("ventures-created"), signed_in(target_remove_answer), stateful=True)
    ],
    "yearly_plan_create": [
        Row(project_kwargs, signed_in(lambda role, m, s: 200 if role == "staff" else 403))
    ],
    "yearly_plan_detail": [Row(yearly_kwargs(), signed_in(plan_read), stateful=True)],
    "yearly_plan_edit": [Row(yearly_kwargs(), signed_in(plan_edit), stateful=True)],
    "yearly_plan_transition": [
        Row(yearly_kwargs({"action": action.value}), signed_in(plan_transition(action)), True)
        for action in Action
    ],
    "report_create": [
        Row(project_kwargs, signed_in(lambda role, m, s: 200 if role == "staff" else 403))
    ],
    "report_detail": [Row(report_kwargs(), signed_in(plan_read), stateful=True)],
    "report_edit": [Row(report_kwargs(), signed_in(plan_edit), stateful=True)],
    "report_download": [Row(report_kwargs(), signed_in(plan_read), stateful=True)],
    "report_upload": [Row(report_kwargs(), signed_in(plan_edit), stateful=True)],
    "report_member_counts": [Row(report_kwargs(), signed_in(plan_edit), stateful=True)],
    "report_transition": [
        Row(report_kwargs({"action": action.value}), signed_in(plan_transition(action)), True)
        for action in Action
    ],
    "submission_board": [Row(no_kwargs, signed_in(board))],
    "overall_plan_detail": [Row(lambda o: {"phase": "II"}, signed_in(read_only_page))],
    "overall_plan_edit": [Row(lambda o: {"phase": "II"}, signed_in(overall_edit))],
    # Policy tools' budgets (issue 26): everyone reads; managers write (an empty POST: errors).
    "tool_budgets": [Row(lambda o: {"phase": "II"}, signed_in(budgets_answer))],
    "report_self_check": [Row(report_kwargs(), signed_in(plan_edit), stateful=True)],
    "round_list": [Row(no_kwargs, signed_in(read_only_page))],
    "round_create": [Row(no_kwargs, signed_in(manager_form))],
    "round_detail": [Row(lambda o: {"round_id": o["open"].round_id}, signed_in(round_read))],
    "evaluation_sheet": [Row(evaluation_kwargs, signed_in(evaluation_read), record="evaluation")],
    "evaluation_sheet_download": [
        Row(evaluation_kwargs, signed_in(evaluation_read), record="evaluation")
    ],
    "rating_edit": [
        Row(evaluation_kwargs, signed_in(evaluation_write("evaluator")), record="evaluation")
    ],
    "evaluation_consolidate": [
        Row(evaluation_kwargs, signed_in(evaluation_write("manager")), record="evaluation")
    ],
    "round_rollup": [Row(lambda o: {"round_id": o["open"].round_id}, signed_in(board))],
    "round_rollup_download": [Row(lambda o: {"round_id": o["open"].round_id}, signed_in(board))],
    "round_rollup_csv": [Row(lambda o: {"round_id": o["open"].round_id}, signed_in(board))],
    "evaluation_sheet_csv": [
        Row(evaluation_kwargs, signed_in(evaluation_read), record="evaluation")
    ],
    "project_list_export": [
        Row(lambda o, f=fmt: {"fmt": f}, signed_in(read_only_page)) for fmt in ("csv", "xlsx")
    ],
    # The network registry (issue 25): counts for everyone, names for the bureau, managers,
    # admins and the assigned evaluator; the import for the bureau's staff only.
    "member_list": [Row(project_kwargs, signed_in(read_only_page))],
    "member_list_export": [
        Row(lambda o, f=fmt: {"code": o["project"].code, "fmt": f}, signed_in(member_names))
        for fmt in ("csv", "xlsx")
    ],
    "member_import": [Row(project_kwargs, signed_in(member_import_answer))],
    "member_import_apply": [Row(project_kwargs, signed_in(member_apply_answer))],
    "organisation_detail": [Row(organisation_kwargs, signed_in(read_only_page))],
    "member_network": [Row(no_kwargs, signed_in(read_only_page))],
    # Cases and adoptions (issue 26): a policy tool's review sheet, figures only, for everyone.
    "tool_review_sheet": [Row(tool_kwargs, signed_in(read_only_page))],
    "tool_review_sheet_export": [
        Row(lambda o, f=fmt: {**tool_kwargs(o), "fmt": f}, signed_in(read_only_page))
        for fmt in ("csv", "xlsx")
    ],
    # The entry of cases and adoptions (issue 26): the bureau's staff write; managers, admins
    # and the assigned evaluator read; another bureau's staff get 404.
    "case_list": [Row(project_kwargs, signed_in(case_read))],
    "case_create": [Row(project_kwargs, signed_in(case_write))],
    "case_edit": [Row(case_kwargs, signed_in(case_write))],
    "adoption_create": [Row(project_kwargs, signed_in(case_write))],
    "adoption_edit": [Row(adoption_kwargs, signed_in(case_write))],
    "case_delete": [Row(case_kwargs, signed_in(case_delete_answer))],
    "adoption_delete": [Row(adoption_kwargs, signed_in(case_delete_answer))],
    "adoption_import": [Row(project_kwargs, signed_in(case_write))],
    "adoption_import_apply": [Row(project_kwargs, signed_in(adoption_apply_answer))],
    "dashboard_summary_export": [
        Row(lambda o, f=fmt: {"fmt": f}, signed_in(dashboard_table)) for fmt in ("csv", "xlsx")
    ],
    "dashboard_heatmap_export": [
        Row(lambda o, f=fmt: {"fmt": f}, signed_in(dashboard_table)) for fmt in ("csv", "xlsx")
    ],
    "survey_list_export": [
        Row(lambda o, f=fmt: {"fmt": f}, signed_in(read_only_page)) for fmt in ("csv", "xlsx")
    ],
    "survey_detail_export": [
        Row(lambda o: {**survey_kwargs(o), "fmt": "csv"}, signed_in(plan_read), stateful=True),
        Row(lambda o: {**survey_kwargs(o), "fmt": "xlsx"}, signed_in(plan_read), stateful=True),
        Row(lambda o: {**national_survey_kwargs(o), "fmt": "csv"}, signed_in(national_survey_read)),
    ],
    "action_item_list": [Row(no_kwargs, signed_in(read_only_page))],
    "action_item_detail": [
        Row(lambda o: {"item_id": o["item"].pk}, signed_in(item_read), record="action_item")
    ],
    "action_item_move": [
        Row(
            lambda o, m=move: {"item_id": o["item"].pk, "move": m},
            signed_in(item_move(move)),
            record="action_item",
        )
        for move in ITEM_MOVES
    ],
    "action_item_export": [
        Row(lambda o, f=fmt: {"fmt": f}, signed_in(read_only_page)) for fmt in ("csv", "xlsx")
    ],
    "submission_board_export": [
        Row(lambda o, f=fmt: {"fmt": f}, signed_in(board)) for fmt in ("csv", "xlsx")
    ],
    "tracking_matrix_export": [
        Row(lambda o, f=fmt: {"code": o["project"].code, "fmt": f}, signed_in(read_only_page))
        for fmt in ("csv", "xlsx")
    ],
    "project_workbook": [Row(project_kwargs, signed_in(read_only_page))],
    "national_rollup_export": [
        Row(lambda o, f=fmt: {"fmt": f}, signed_in(read_only_page)) for fmt in ("csv", "xlsx")
    ],
    "indicator_across_export": [
        Row(
            lambda o, f=fmt: {"code": "new-businesses-started", "fmt": f},
            signed_in(read_only_page),
        )
        for fmt in ("csv", "xlsx")
    ],
    **{
        name: [Row(no_kwargs, api_read)]
        for name in (
            "api_projects",
            "api_targets",
            "api_values",
            "api_ratings",
            "api_evaluations",
            "api_action_items",
        )
    },
    "evaluation_assign": [
        Row(evaluation_kwargs, signed_in(evaluation_write("manager", 302)), record="evaluation")
    ],
    "economic_index": [Row(no_kwargs, signed_in(read_only_page))],
    "national_figures_edit": [Row(no_kwargs, signed_in(manager_form))],
    "survey_list": [Row(no_kwargs, signed_in(read_only_page))],
    "survey_create": [Row(no_kwargs, signed_in(survey_create_answer))],
    "survey_detail": [
        Row(survey_kwargs, signed_in(plan_read), stateful=True),
        Row(
            national_survey_kwargs,
            signed_in(national_survey_read),
            stateful=True,
            subject="national_survey",
        ),
    ],
    "survey_edit": [
        Row(survey_kwargs, signed_in(plan_edit), stateful=True),
        Row(
            national_survey_kwargs,
            signed_in(national_survey_edit),
            stateful=True,
            subject="national_survey",
        ),
    ],
    "survey_transition": [
        *(
            Row(
                lambda o, a=action: {"survey_id": o["survey"].pk, "action": a.value},
                signed_in(plan_transition(action, gaps=False)),
                True,
            )
            for action in Action
        ),
        *(
            Row(
                lambda o, a=action: {"survey_id": o["national_survey"].pk, "action": a.value},
                signed_in(national_survey_transition(action)),
                stateful=True,
                subject="national_survey",
            )
            for action in Action
        ),
    ],
}

ADMIN = {role: 302 for role in ROLES} | {"admin": 200}


def stateful_models() -> set[type]:
    """Every model of the apps with a `state` field that has choices (history copies aside)."""
    found = set()
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        field = next((f for f in model._meta.fields if f.name == "state"), None)
        if field is not None and field.choices:
            found.add(model)
    return found


def test_every_state_of_every_stateful_record_is_in_the_matrix():
    """A new stateful model, or a state added to one, fails here until the matrix runs it."""
    recorded = {model for models in RECORDS.values() for model in models}
    assert stateful_models() == recorded, "add the stateful model to RECORDS and to MATRIX"
    for record, models in RECORDS.items():
        for model in models:
            choices = [value for value, _label in model._meta.get_field("state").choices]
            assert choices == STATES[record], f"{model.__name__} has other states than {record}"
    run = {record: set() for record in RECORDS}
    for row in (row for rows in MATRIX.values() for row in rows):
        record = row.record or ("workflow" if row.stateful else None)
        if record:
            run[record].update(row.states)
    assert run == {record: set(states) for record, states in STATES.items()}


def url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from url_names(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name


def test_every_url_pattern_is_in_the_matrix():
    unnamed, missing = [], []
    for namespace, name in url_names():
        if namespace == "admin":
            continue
        if name is None:
            unnamed.append(namespace)
        elif name not in MATRIX:
            missing.append(name)
    assert not unnamed, "every URL pattern needs a name to be in the matrix"
    assert not missing, f"add these URL patterns to MATRIX: {missing}"
    assert set(MATRIX) <= {name for _, name in url_names()}, "MATRIX names a pattern that is gone"


def check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302, response
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected, response


CASES = [
    pytest.param(
        name,
        index,
        role,
        method,
        state,
        id=f"{name}[{index}]-{role}-{method}" + (f"-{state}" if state else ""),
    )
    for name, rows in MATRIX.items()
    for index, row in enumerate(rows)
    for role in ROLES
    for method in ("GET", "POST")
    for state in row.states
]


# The cases of one (URL row, state) share their objects: one test each, which sends every
# role × method of that row and state (GROUPS), each in a savepoint rolled back after it.
GROUPS: dict[tuple, list[tuple[str, str]]] = {}
for case in CASES:
    name, index, role, method, state = case.values
    GROUPS.setdefault((name, index, state), []).append((role, method))


@pytest.fixture(scope="class")
def matrix_world(django_db_setup, django_db_blocker):
    """The users, the project, its plan and every object of the matrix, built once per class
    (once per xdist worker) inside a transaction rolled back after the class's last test. Each
    test runs in a savepoint of it (pytest-django), so what a test changes is gone after it."""
    from tests.factories import ProjectPlanFactory

    with django_db_blocker.unblock(), transaction.atomic():
        _bureau, _other_bureau, project, users = conftest_world()
        plan = ProjectPlanFactory(project=project, phase=project.phase)
        objects = {"project": project, "plan": plan, **make_matrix_objects(project, plan, users)}
        yield users, objects, signed_in_sessions(users)
        transaction.set_rollback(True)


def signed_in_sessions(users) -> dict[str, str]:
    """A session key per signed-in role, made once per class: each case sends it from a fresh
    `Client` instead of signing in again (a sign-in is a third of a case's time). The session
    lives a day, not SESSION_COOKIE_AGE, so a slow run of the class never sees it expire; what a
    case does to it (renewal, logout, a cycled key) is rolled back with the case."""
    keys = {}
    for role in SIGNED_IN:
        client = Client()
        client.force_login(users[role])
        session = client.session
        session.set_expiry(24 * 60 * 60)
        session.save()
        keys[role] = session.session_key
    return keys


def client_as(role: str, sessions: dict[str, str]) -> Client:
    """A fresh client (no cookie of an earlier case), signed in as `role` unless anonymous."""
    client = Client()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    return client


def make_matrix_objects(project, plan, users):
    """The common target, an optional target, a yearly plan, a report, a survey of the project
    and a national one, the overall plan of Phase II, and the evaluations of a round."""
    from evaluation.models import Indicator, OverallPlan, Target

    for code, common in (("new-businesses-started", True), ("ventures-created", False)):
        indicator = IndicatorFactory(code=code, is_common_target=common, is_optional_target=True)
        Target.objects.create(plan=plan, indicator=indicator, cumulation="flow")
    OverallPlan.objects.create(phase=plan.phase, mid_term_fiscal_year=2008)
    yearly = YearlyPlan.objects.create(project=project, plan=plan, fiscal_year=2007)
    report = AnnualReport.objects.create(project=project, fiscal_year=2007)
    survey = Survey.objects.create(project=project, fiscal_year=2007)
    national_survey = Survey.objects.create(project=None, fiscal_year=2007)
    assert Indicator.objects.filter(is_common_target=True).count() == 1
    return {
        "yearly": yearly,
        "report": report,
        "survey": survey,
        "national_survey": national_survey,
        **evaluation_objects(project, users),
    }


def evaluation_objects(project, users):
    """A FY2008 round: the matrix's project in progress, assigned to the evaluator; another
    project of the same bureau rated by the evaluator and finished by the manager, its
    recommendation an open action item, and a FY2009 yearly plan with an activity to plan it."""
    from evaluation.models import Activity, EvaluationCriterion
    from evaluation.services.evaluations import round_create
    from tests.factories import ProjectFactory, ProjectPlanFactory, rate_and_finish

    criterion = EvaluationCriterion.objects.create(code="target-achievement", name_ja="目標")
    done_project = ProjectFactory(bureau=project.bureau, phase=project.phase, code="done")
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価",
        criteria=[criterion],
        assignments={project: [users["evaluator"]], done_project: [users["evaluator"]]},
    )
    open_, done = (evaluation_round.evaluations.get(project=p) for p in (project, done_project))
    done = rate_and_finish(done, users, findings="順調", recommendations="販路開拓")
    done_plan = ProjectPlanFactory(project=done_project, phase=project.phase)
    yearly = YearlyPlan.objects.create(project=done_project, plan=done_plan, fiscal_year=2009)
    Activity.objects.create(yearly_plan=yearly, heading="network", title="販路開拓の商談会")
    return {"open": open_, "done": done, "item": done.action_items.get()}


WORKFLOW_SUBJECTS = {"yearly_plan": "yearly", "report_": "report", "survey_": "survey"}


def put_in_state(name: str, row: Row, objects: dict, state, users):
    """The row's record in `state`, as users would have taken it there; `objects` then names it
    (the URL kwargs read it from there)."""
    if row.record == "evaluation":
        found = [e for e in (objects["open"], objects["done"]) if e.state == state]
        assert found, f"the matrix has no evaluation in state {state!r}: add one"
        objects["evaluation"] = found[0]
        return found[0]
    if row.record == "action_item":
        objects["item"] = walk_action_item(objects["item"], state, users)
        return objects["item"]
    assert row.record is None, f"no way to put a {row.record} in a state"
    key = row.subject or next(
        (key for prefix, key in WORKFLOW_SUBJECTS.items() if name.startswith(prefix)), "plan"
    )
    submitter = "manager" if key == "national_survey" else "staff"
    objects[key] = walk_workflow(
        objects[key], state or State.DRAFT, users, comment="理由", submitter=submitter
    )
    return objects[key]


def case_id(name, index, role=None, method=None, state=None) -> str:
    return f"{name}[{index}]" + "".join(f"-{part}" for part in (role, method, state) if part)


class TestMatrix:
    @pytest.mark.parametrize(
        ("name", "index", "state"),
        list(GROUPS),
        ids=[case_id(name, index, state=state) for name, index, state in GROUPS],
    )
    def test_matrix(self, matrix_world, name, index, state):
        """Every role × method of one URL row in one state: each request in a savepoint rolled
        back after it, so each case starts from the same objects. Every failing case is named."""
        users, world, sessions = copy.deepcopy(matrix_world)
        row = MATRIX[name][index]
        objects = dict(world)
        subject = put_in_state(name, row, objects, state, users)
        assert state is None or subject.state == state
        url = reverse(name, kwargs=row.kwargs(objects))
        before = (subject.state, subject.version)
        failures = []
        for role, method in GROUPS[name, index, state]:
            case = case_id(name, index, role, method, state)
            try:
                with transaction.atomic(), translation.override("ja"):
                    client = client_as(role, sessions)
                    check_case(client, url, row, role, method, state, subject, before)
                    transaction.set_rollback(True)
            except AssertionError as error:
                failures.append(f"{case}: {error}")
            except Exception as error:
                error.add_note(f"in matrix case {case}")
                raise
            subject.refresh_from_db()
            assert (subject.state, subject.version) == before, f"{case} was not rolled back"
        assert not failures, "\n".join(failures)


def check_case(client, url, row, role, method, state, subject, before):
    """One (URL, role, method, state) case, `client` signed in as `role` (`client_as`): the
    expected answer, and a refused or invalid POST changes nothing."""
    response = client.get(url) if method == "GET" else client.post(url, {})
    check(response, row.answer(role, method, state or State.DRAFT))
    subject.refresh_from_db()
    if method == "POST" and response.status_code != 302:
        assert (subject.state, subject.version) == before, "a refused or invalid POST changed it"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url_name",
    ["admin:index", "admin:projects_project_changelist", "admin:evaluation_indicator_add"],
)
def test_admin_site_only_for_admins(client, users, role, url_name):
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(reverse(url_name))
    assert response.status_code == ADMIN[role]
    if ADMIN[role] == 302:
        assert "/admin/login/" in response["Location"]


def test_forged_post_to_another_bureaus_plan_is_404_and_changes_nothing(client, users, plan):
    """Staff of another bureau changing the code in the URL of a draft: 404, nothing changes."""
    client.force_login(users["other_staff"])
    url = reverse("plan_vision_edit", args=[plan.project.code, plan.phase.code])
    data = {
        "version": 1,
        "industrial_resources": "改ざん",
        "regional_characteristics": "",
        "development_outlook": "",
    }
    assert client.post(url, data).status_code == 404
    assert ProjectPlan.objects.get().industrial_resources == ""


def test_unknown_project_is_404_for_every_signed_in_role(client, users):
    for role in SIGNED_IN:
        client.force_login(users[role])
        assert client.get(reverse("project_detail", args=["no-such-code"])).status_code == 404
