"""Hostile input for every form the app accepts, property-based with hypothesis.

The registry of forms is derived from the code: every subclass of django.forms.Form defined in
the app's modules. Each must have a screen below (the URL that accepts it, who posts it, on
which object), or the test of the registry fails. For each screen, hypothesis posts field sets
built from the names on the screen's own page (plus unknown and missing ones), with long and
control-character strings, huge and tiny numbers, NaN and Infinity, negative counts, full-width
digits and mixed separators, dates out of range, wrong choice values, and duplicated fields.
Each answer must be a clear error (a page that names the problem, a 403/404/409) or an
acceptance (a redirect); never a server error. A refused post leaves the database exactly as it
was: a dump of every table before and after is compared. Each example runs in its own savepoint,
rolled back, so examples do not leak into each other.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation import action_views, economic_views, survey_views
from evaluation import forms as evaluation_forms

pytestmark = pytest.mark.django_db

APP_MODULES = ("evaluation.", "projects.", "config.")
# Base classes that are never posted alone: covered through their subclasses.
BASES = {evaluation_forms.VersionedForm}
# Forms of the Django admin (master data, admins only) are Django's own, checked by its tests.
ADMIN_FORMS = {"projects.admin.UserAdminForm"}
EXAMPLES = 15
RUN = {"forms": 0, "examples": 0, "accepted": 0, "refused": 0}


def registered_forms() -> set[type]:
    """Every Form subclass defined in the app's modules: the URLconf imports every view module
    (forms defined beside their views included), the admin its forms."""
    from django.urls import get_resolver

    import projects.admin  # noqa: F401

    get_resolver().url_patterns  # noqa: B018 - imports every view module

    found, stack = set(), [forms.Form]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith(APP_MODULES):
                found.add(sub)
    return {
        f for f in found if f not in BASES and f"{f.__module__}.{f.__qualname__}" not in ADMIN_FORMS
    }


@dataclass
class Screen:
    url_name: str
    user: str
    args: object  # objects → URL args
    upload: bool = False


def plan_args(o):
    return [o["plan"].project.code, o["plan"].phase.code]


def report_args(o):
    return [o["report"].project.code, o["report"].fiscal_year]


def evaluation_args(o):
    return [o["evaluation"].round_id, o["evaluation"].project.code]


SCREENS = {
    evaluation_forms.PlanCreateForm: Screen("plan_create", "staff", lambda o: [o["fresh"].code]),
    evaluation_forms.VisionForm: Screen("plan_vision_edit", "staff", plan_args),
    evaluation_forms.ScenarioForm: Screen("plan_scenario_revise", "staff", plan_args),
    evaluation_forms.StrategyItemForm: Screen("plan_strategies_edit", "staff", plan_args),
    evaluation_forms.StrategyNotesForm: Screen("plan_strategies_edit", "staff", plan_args),
    evaluation_forms.TransitionForm: Screen(
        "plan_transition", "staff", lambda o: [*plan_args(o), "submit"]
    ),
    evaluation_forms.TargetAddForm: Screen("target_add", "staff", plan_args),
    evaluation_forms.TargetValuesForm: Screen(
        "target_edit", "staff", lambda o: [*plan_args(o), o["target"].pk]
    ),
    evaluation_forms.YearlyPlanCreateForm: Screen(
        "yearly_plan_create", "staff", lambda o: [o["plan"].project.code]
    ),
    evaluation_forms.ActivityForm: Screen(
        "yearly_plan_edit", "staff", lambda o: [o["yearly"].project.code, 2007]
    ),
    evaluation_forms.YearlyPlanForm: Screen(
        "yearly_plan_edit", "staff", lambda o: [o["yearly"].project.code, 2007]
    ),
    evaluation_forms.OverallPlanForm: Screen("overall_plan_edit", "manager", lambda o: ["II"]),
    evaluation_forms.ReportEntryForm: Screen("report_edit", "staff", report_args),
    evaluation_forms.ReportCreateForm: Screen(
        "report_create", "staff", lambda o: [o["plan"].project.code]
    ),
    evaluation_forms.WorkbookUploadForm: Screen("report_upload", "staff", report_args, True),
    evaluation_forms.SelfCheckForm: Screen("report_self_check", "staff", report_args),
    evaluation_forms.RoundCreateForm: Screen("round_create", "manager", lambda o: []),
    evaluation_forms.AssignForm: Screen("evaluation_assign", "manager", evaluation_args),
    evaluation_forms.RatingForm: Screen("rating_edit", "evaluator", evaluation_args),
    evaluation_forms.ConsolidateForm: Screen("evaluation_consolidate", "manager", evaluation_args),
    action_views.ItemPlanForm: Screen(
        "action_item_move", "staff", lambda o: [o["item"].pk, "plan"]
    ),
    economic_views.NationalFiguresForm: Screen("national_figures_edit", "manager", lambda o: []),
    survey_views.SurveyCreateForm: Screen("survey_create", "staff", lambda o: []),
    survey_views.SurveyForm: Screen("survey_edit", "staff", lambda o: [o["survey"].pk]),
    action_views.ItemNoteForm: Screen(
        "action_item_move", "manager", lambda o: [o["item"].pk, "dismiss"]
    ),
}


def test_every_form_of_the_app_has_a_screen_in_the_corpus():
    registry = registered_forms()
    missing = sorted(f"{f.__module__}.{f.__qualname__}" for f in registry - set(SCREENS))
    assert not missing, f"forms without a hostile-input screen: {missing}"
    assert len(registry) >= 20
    RUN["forms"] = len(registry)


HOSTILE_TEXT = [
    "",
    " ",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "-1",
    "-0",
    "0",
    "9" * 40,
    "-" + "9" * 30,
    "0.0000000001",
    "１２３",
    "－５",
    "１，０００",
    "1,2,3",
    "1.2.3",
    "1,000.5",
    "1.000,5",
    "12,34",
    "2006-13-45",
    "0000-00-00",
    "9999-12-31",
    "1900",
    "99999",
    "-2006",
    "該当なし",
    "未把握",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\x00",
    "a\x00b",
    "\u202e\u200b",
    "\r\n\t",
    "x" * 30000,
    "改" * 21000,
    "approved",
    "draft",
    "S",
    "Z",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=20),
    st.integers(min_value=-(10**22), max_value=10**22).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
NAME = re.compile(rb'name="([^"]+)"')
SKIP_NAMES = {"csrfmiddlewaretoken", "language", "next"}


def field_names(page: bytes) -> list[str]:
    names = sorted({n.decode() for n in NAME.findall(page)} - SKIP_NAMES)
    return names + ["unknown-field", "version"]


def dump():
    """Every row of every table but sessions and the login-attempt log, for comparison."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label
        if label.startswith(("sessions.", "axes.")) or not model._meta.managed:
            continue
        rows[label] = sorted(map(repr, model._base_manager.values_list()))
    return rows


def clear_error(response) -> bool:
    text = response.content.decode()
    return 'role="alert"' in text or "errorlist" in text


@pytest.fixture
def corpus_objects(project, users, bureau):
    """A draft plan with the common target, a draft yearly plan and report of FY2007, the
    overall plan, a round with the project assigned to the evaluator, an open action item, and a
    project of the bureau without a plan."""
    from evaluation.models import OverallPlan
    from evaluation.services.evaluations import round_create
    from evaluation.services.plans import plan_create
    from evaluation.services.reports import annual_report_create
    from evaluation.services.surveys import survey_create
    from evaluation.services.targets import target_set_values
    from evaluation.services.yearly import yearly_plan_create, yearly_plan_update
    from tests.factories import IndicatorFactory, ProjectFactory, rate_and_finish

    IndicatorFactory(code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True)
    IndicatorFactory(code="meetings-held", name_ja="交流会", unit="times", level="output")
    IndicatorFactory(code="sales", name_ja="売上高", unit="yen", category="e")
    plan = plan_create(project=project, phase=project.phase, by=users["staff"])
    target = plan.targets.get(indicator__code="new-businesses-started")
    target_set_values(
        target=target,
        expected_version=plan.version,
        by=users["staff"],
        target_value=Decimal(100),
        target_fiscal_year=2010,
        milestones={2007: Decimal(40)},
    )
    plan.refresh_from_db()
    yearly = yearly_plan_create(plan=plan, fiscal_year=2007, by=users["staff"])
    yearly_plan_update(
        yearly_plan=yearly,
        expected_version=yearly.version,
        by=users["staff"],
        summary="",
        activities=[{"heading": "network", "title": "研究会"}],
    )
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    OverallPlan.objects.create(phase=project.phase, mid_term_fiscal_year=2008)
    from evaluation.models import EvaluationCriterion

    criterion = EvaluationCriterion.objects.create(code="target-achievement", name_ja="目標")
    done_project = ProjectFactory(bureau=bureau, phase=project.phase, code="done")
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価",
        criteria=[criterion],
        assignments={project: [users["evaluator"]], done_project: [users["evaluator"]]},
    )
    done = rate_and_finish(
        evaluation_round.evaluations.get(project=done_project), users, recommendations="販路開拓"
    )
    return {
        "plan": plan,
        "target": target,
        "yearly": yearly,
        "report": report,
        "evaluation": evaluation_round.evaluations.get(project=project),
        "item": done.action_items.get(),
        "fresh": ProjectFactory(bureau=bureau, phase=project.phase, code="fresh"),
        "survey": survey_create(project=project, fiscal_year=2007, by=users["staff"]),
    }


@pytest.mark.parametrize(
    "form_class", sorted(SCREENS, key=lambda f: f.__qualname__), ids=lambda f: f.__qualname__
)
def test_hostile_input_is_refused_clearly_and_changes_nothing(
    client, users, corpus_objects, form_class
):
    screen = SCREENS[form_class]
    url = reverse(screen.url_name, args=screen.args(corpus_objects))
    client.force_login(users[screen.user])
    page = client.get(url)
    assert page.status_code == 200, url
    names = field_names(page.content)
    fields = st.dictionaries(
        keys=st.sampled_from(names), values=st.lists(VALUES, min_size=1, max_size=2), max_size=12
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=fields, payload=st.binary(max_size=2000))
    def example(data, payload):
        post = dict(data)
        if screen.upload:
            post["workbook"] = SimpleUploadedFile("hostile.xlsx", payload)
        with transaction.atomic():
            before = dump()
            response = client.post(url, post)
            status = response.status_code
            assert status in (200, 302, 400, 403, 404, 409), (status, post)
            if status == 302:
                RUN["accepted"] += 1
            else:
                RUN["refused"] += 1
                assert dump() == before, f"a refused post changed the database: {post!r}"
                if status in (200, 400, 409):
                    assert clear_error(response), f"no error shown for {post!r}"
            transaction.set_rollback(True)
        RUN["examples"] += 1

    example()


def test_login_form_with_hostile_input_signs_nobody_in(client, users):
    url = reverse("login")

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
    @given(username=VALUES, password=VALUES)
    def example(username, password):
        with transaction.atomic():
            response = client.post(url, {"username": username, "password": password})
            assert response.status_code in (200, 429)
            assert "_auth_user_id" not in client.session
            transaction.set_rollback(True)
        RUN["examples"] += 1

    example()
