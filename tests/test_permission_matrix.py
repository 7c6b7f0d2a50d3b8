"""Every URL pattern × every role of DOMAIN.md (and anonymous) × GET/POST, and for workflow
records × every workflow state → the expected answer.

The list of patterns is read from the URLconf: a pattern missing from MATRIX fails
`test_every_url_pattern_is_in_the_matrix`, so no later page can skip the matrix. Django admin
URLs are one entry (ADMIN): only the admin role enters; everyone else is sent to its login.
POSTs are empty: an owner's empty form answers 200 with errors, and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evaluation.models import Action, ProjectPlan, State
from evaluation.models.workflow import may_take
from projects.models import Role

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "other_staff", "manager", "evaluator", "admin"]
SIGNED_IN = ROLES[1:]
STATES = list(State)
LOGIN = "login-redirect"  # 302 to the login page
ROLE_OF = {"staff": Role.STAFF, "other_staff": Role.STAFF, "manager": Role.MANAGER,
           "evaluator": Role.EVALUATOR, "admin": Role.ADMIN}  # fmt: skip


def plan_visible(role: str, state: str) -> bool:
    """DOMAIN.md: own bureau always; other bureaus when approved; managers and admins always;
    evaluators only for projects assigned to them in a round (none yet)."""
    return role in ("staff", "manager", "admin") or (role == "other_staff" and state == "approved")


def plan_editable(role: str, state: str) -> bool:
    return role == "staff" and state in ("draft", "returned", "reopened")


@dataclass
class Row:
    kwargs: Callable[[dict], dict]
    answer: Callable[[str, str, str], object]  # (role, method, state) → status or LOGIN
    stateful: bool = False


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


def plan_transition(action):
    def answer(role, method, state):
        if not plan_visible(role, state):
            return 404
        allowed = may_take(action, state=state, role=ROLE_OF[role], own_bureau=role == "staff")
        if not allowed:
            return 403
        if method == "GET":
            return 200
        return 200 if action in (Action.RETURN, Action.REOPEN) else 302  # comment required

    return answer


def plan_kwargs(extra=None):
    def kwargs(objects):
        plan = objects["plan"]
        return {"code": plan.project.code, "phase": plan.phase.code, **(extra or {})}

    return kwargs


project_kwargs = lambda o: {"code": o["project"].code}  # noqa: E731
no_kwargs = lambda o: {}  # noqa: E731

MATRIX: dict[str, list[Row]] = {
    "home": [Row(no_kwargs, signed_in(read_only_page))],
    "project_list": [Row(no_kwargs, signed_in(read_only_page))],
    "project_detail": [Row(project_kwargs, signed_in(read_only_page))],
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
}

ADMIN = {role: 302 for role in ROLES} | {"admin": 200}


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
    pytest.param(name, index, role, method, state,
                 id=f"{name}[{index}]-{role}-{method}" + (f"-{state}" if state else ""))
    for name, rows in MATRIX.items()
    for index, row in enumerate(rows)
    for role in ROLES
    for method in ("GET", "POST")
    for state in (STATES if row.stateful else [None])
]  # fmt: skip


@pytest.mark.parametrize(("name", "index", "role", "method", "state"), CASES)
def test_matrix(client, users, project, plan_in_state, name, index, role, method, state):
    row = MATRIX[name][index]
    plan = plan_in_state(state or State.DRAFT)
    url = reverse(name, kwargs=row.kwargs({"project": project, "plan": plan}))
    before = (plan.state, plan.version)
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(url) if method == "GET" else client.post(url, {})
    check(response, row.answer(role, method, state or State.DRAFT))
    plan.refresh_from_db()
    if method == "POST" and response.status_code != 302:
        assert (plan.state, plan.version) == before, "a refused or invalid POST changed the plan"


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
    data = {"version": 1, "industrial_resources": "改ざん", "regional_characteristics": "",
            "development_outlook": ""}  # fmt: skip
    assert client.post(url, data).status_code == 404
    assert ProjectPlan.objects.get().industrial_resources == ""


def test_unknown_project_is_404_for_every_signed_in_role(client, users):
    for role in SIGNED_IN:
        client.force_login(users[role])
        assert client.get(reverse("project_detail", args=["no-such-code"])).status_code == 404
