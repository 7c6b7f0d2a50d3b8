"""Forged requests: a user names, in the URL or in a posted field, an object that is not theirs.

The POST endpoints are read from the URLconf (every URL name of the permission matrix whose view
does not refuse a POST), so a new one cannot be forgotten: each is either forged below or listed
in NOT_BUREAU_SCOPED with the reason no bureau owns what it changes. A forged URL answers 404
(403 where the object is reference data everyone reads: a project) and nothing changes: a dump
of every table is compared. A forged field is refused on the form, and the same post with the
user's own object is accepted, so it is the forged reference that was refused.
"""

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from evaluation.models import ActionItem, Activity, ProjectEvaluation, YearlyPlan
from evaluation.services.list_positions import evaluation_position_of, position_of
from tests.factories import ProjectFactory, ProjectPlanFactory, conftest_world
from tests.test_form_corpus import dump
from tests.test_permission_matrix import MATRIX, make_matrix_objects, matrix_case

pytestmark = pytest.mark.django_db

# POST endpoints that change nothing a bureau owns: the forger has no bureau's object to name.
NOT_BUREAU_SCOPED = {
    "login": "signs in; no object",
    "logout": "signs out; no object",
    "set_language": "the session's language; no object",
    "round_create": "managers only; a round covers every bureau",
    "evaluation_assign": "managers only; they assign evaluators for every bureau",
    "evaluation_consolidate": "managers only; they consolidate for every bureau",
    "overall_plan_edit": "managers only; the overall plan is national",
    "tool_budgets": "managers only; policy tools' budgets are national",
    "national_figures_edit": "managers only; the national figures are national",
}


@dataclass
class Forgery:
    url_name: str
    forger: str  # a role of the users fixture
    kwargs: Callable[[dict, dict], dict]  # (own bureau's objects, other bureau's) → URL kwargs
    expected: int = 404
    # The posted fields. None: the owner's own form, as the owner's page fills it in (a replay).
    data: Callable[[dict, dict], dict] | None = None
    # A field forgery: the same post with the forger's own object, which is accepted (302).
    control: Callable[[dict, dict], dict] | None = field(default=None)


def plan_kw(o, x):
    return {"code": o["plan"].project.code, "phase": o["plan"].phase.code}


def yearly_kw(o, x):
    return {"code": o["yearly"].project.code, "fiscal_year": o["yearly"].fiscal_year}


def report_kw(o, x):
    return {"code": o["report"].project.code, "fiscal_year": o["report"].fiscal_year}


def target_kw(which, plan="plan"):
    """A target of the own bureau's plan, in the URL of `plan` (the forger's own plan: an id
    swapped, or the owner's: a code changed)."""

    def kwargs(o, x):
        own = {"plan": o, "other_plan": x}[plan]["plan"]
        target = o["plan"].targets.get(indicator__code=which)
        return {"code": own.project.code, "phase": own.phase.code, "target_id": target.pk}

    return kwargs


def item_kw(move):
    return lambda o, x: {"item_id": o["item"].pk, "move": move}


def scenario_post(item_key):
    def data(o, x):
        item = {"own": o, "other": x}[item_key]["item"] if item_key else None
        return {
            "version": o["plan"].version,
            "fiscal_year": 2006,
            "start_fiscal_year": 2006,
            "end_fiscal_year": 2010,
            "narrative": "販路開拓を進める",
            "reason": "評価の提言",
            "action_item": item.pk if item else "",
        }

    return data


def item_plan_post(world):
    def data(o, x):
        activity = {"own": o, "other": x}[world]["activity"]
        return {"version": o["item"].version, "activities": [activity.pk]}

    return data


def survey_create_post(world):
    return lambda o, x: {"scope": {"own": o, "other": x}[world]["fresh"].code, "fiscal_year": 2008}


ADOPTION_CSV = (
    "施策,採択年度,コンソーシアム名,採択額（円）\r\nmatrix-tool,2007,偽造の連携体,1000\r\n"
).encode()


def adoption_token(project, o) -> str:
    """What a preview of this project's adoption list signs: one adoption of the matrix's tool."""
    from django.core import signing

    from evaluation.renderers.adoption_lists import AdoptionRow
    from evaluation.services.cases import ADOPTION_SIGNING_SALT

    tool = matrix_case(o)[1].tool
    row = AdoptionRow(
        line=2, tool=tool.code, fiscal_year=2007, consortium="偽造の連携体", amount_yen=1000
    )
    payload = {"project": project.code, "rows": [row.as_dict()]}
    return signing.dumps(payload, salt=ADOPTION_SIGNING_SALT, compress=True)


def own_case(o):
    return matrix_case(o)[0]


def adoption_post(world):
    """An adoption of the own project naming the own case or another bureau's project's."""

    def data(o, x):
        from projects.models import CollaborationCase

        if world == "own":
            case = own_case(o)
        else:
            case, _created = CollaborationCase.objects.get_or_create(
                project=x["project"], title="近畿の事例"
            )
        return {
            "tool": matrix_case(o)[1].tool_id,
            "fiscal_year": "2007",
            "consortium_name": "偽造の連携体",
            "amount_yen": "1000",
            "case": case.pk,
        }

    return data


FORGERIES = [
    # Another bureau's staff change the code or id in the URL of a draft of this bureau.
    *(
        Forgery(name, "other_staff", plan_kw)
        for name in ("plan_vision_edit", "plan_scenario_revise", "plan_strategies_edit")
    ),
    Forgery("target_add", "other_staff", plan_kw),
    Forgery("target_edit", "other_staff", target_kw("new-businesses-started")),
    Forgery("target_remove", "other_staff", target_kw("ventures-created")),
    Forgery("plan_transition", "other_staff", lambda o, x: {**plan_kw(o, x), "action": "submit"}),
    Forgery("yearly_plan_edit", "other_staff", yearly_kw),
    Forgery(
        "yearly_plan_transition",
        "other_staff",
        lambda o, x: {**yearly_kw(o, x), "action": "submit"},
    ),
    *(
        Forgery(name, "other_staff", report_kw)
        for name in ("report_edit", "report_upload", "report_self_check", "report_member_counts")
    ),
    Forgery(
        "report_transition", "other_staff", lambda o, x: {**report_kw(o, x), "action": "submit"}
    ),
    Forgery("survey_edit", "other_staff", lambda o, x: {"survey_id": o["survey"].pk}),
    Forgery(
        "survey_transition",
        "other_staff",
        lambda o, x: {"survey_id": o["survey"].pk, "action": "submit"},
    ),
    Forgery("action_item_move", "other_staff", item_kw("plan")),
    Forgery(
        "action_item_move",
        "other_staff",
        item_kw("dismiss"),
        data=lambda o, x: {"version": o["item"].version, "note": "不要"},
    ),
    # The forger's own plan in the URL, this bureau's target id: the id is swapped.
    Forgery(
        "target_edit",
        "other_staff",
        target_kw("new-businesses-started", "other_plan"),
        data=lambda o, x: {"version": x["plan"].version, "target_value": "1"},
    ),
    Forgery(
        "target_remove",
        "other_staff",
        target_kw("ventures-created", "other_plan"),
        data=lambda o, x: {"version": x["plan"].version},
    ),
    # Projects are reference data every role reads: creating on another bureau's is 403.
    *(
        Forgery(name, "other_staff", lambda o, x: {"code": o["project"].code}, 403, data=post)
        for name, post in (
            ("plan_create", lambda o, x: {"phase": o["plan"].phase.pk}),
            ("yearly_plan_create", lambda o, x: {"fiscal_year": 2008}),
            ("report_create", lambda o, x: {"fiscal_year": 2008}),
        )
    ),
    # The member list of another bureau's project (issue 25): the import and its apply, with a
    # file and with a token a preview of the project signed, are 403; a token signed for
    # another bureau's project, posted to one's own, is refused (and one's own is accepted).
    Forgery(
        "member_import",
        "other_staff",
        lambda o, x: {"code": o["project"].code},
        403,
        data=lambda o, x: {"file": SimpleUploadedFile("list.csv", MEMBER_CSV)},
    ),
    Forgery(
        "member_import_apply",
        "other_staff",
        lambda o, x: {"code": o["project"].code},
        403,
        data=lambda o, x: {"token": member_token(o["project"])},
    ),
    Forgery(
        "member_import_apply",
        "staff",
        lambda o, x: {"code": o["project"].code},
        400,
        data=lambda o, x: {"token": member_token(x["project"])},
        control=lambda o, x: {"token": member_token(o["project"])},
    ),
    # Cases and adoptions (issue 26): another bureau's staff naming this bureau's project, case
    # or adoption in the URL get 404; a case of another bureau's project named in an
    # adoption's field is refused (and the own case is accepted).
    *(
        Forgery(name, "other_staff", kwargs)
        for name, kwargs in (
            ("case_create", lambda o, x: {"code": o["project"].code}),
            ("case_edit", lambda o, x: {"code": o["project"].code, "case_id": own_case(o).pk}),
            ("adoption_create", lambda o, x: {"code": o["project"].code}),
            (
                "adoption_edit",
                lambda o, x: {"code": o["project"].code, "adoption_id": matrix_case(o)[1].pk},
            ),
            ("case_delete", lambda o, x: {"code": o["project"].code, "case_id": own_case(o).pk}),
            (
                "adoption_delete",
                lambda o, x: {"code": o["project"].code, "adoption_id": matrix_case(o)[1].pk},
            ),
        )
    ),
    Forgery(
        "adoption_import",
        "other_staff",
        lambda o, x: {"code": o["project"].code},
        data=lambda o, x: {"file": SimpleUploadedFile("list.csv", ADOPTION_CSV)},
    ),
    Forgery(
        "adoption_import_apply",
        "other_staff",
        lambda o, x: {"code": o["project"].code},
        data=lambda o, x: {"token": adoption_token(o["project"], o)},
    ),
    Forgery(
        "adoption_import_apply",
        "staff",
        lambda o, x: {"code": o["project"].code},
        400,
        data=lambda o, x: {"token": adoption_token(x["project"], o)},
        control=lambda o, x: {"token": adoption_token(o["project"], o)},
    ),
    Forgery(
        "adoption_create",
        "staff",
        lambda o, x: {"code": o["project"].code},
        200,
        data=adoption_post("other"),
        control=adoption_post("own"),
    ),
    # An evaluator rating an evaluation that is not assigned to them.
    Forgery(
        "rating_edit",
        "evaluator",
        lambda o, x: {"round_id": x["evaluation"].round_id, "code": x["evaluation"].project.code},
        data=lambda o, x: {"version": 0, "overall_grade": "S"},
    ),
    # The own record in the URL, another bureau's object in a posted choice field.
    Forgery(
        "plan_scenario_revise",
        "staff",
        plan_kw,
        200,
        data=scenario_post("other"),
        control=scenario_post(None),
    ),
    Forgery(
        "action_item_move",
        "staff",
        item_kw("plan"),
        200,
        data=item_plan_post("other"),
        control=item_plan_post("own"),
    ),
    Forgery(
        "survey_create",
        "staff",
        lambda o, x: {},
        200,
        data=survey_create_post("other"),
        control=survey_create_post("own"),
    ),
]


MEMBER_CSV = "名称,種別,参画日\r\n株式会社偽造検査,企業,2006-04-01\r\n".encode()


def member_token(project) -> str:
    """What a preview of this project's member list signs: one new firm."""
    from django.core import signing

    from evaluation.renderers.member_lists import MemberRow
    from evaluation.services.registry import SIGNING_SALT

    row = MemberRow(line=2, name="株式会社偽造検査", type="firm", joined=datetime.date(2006, 4, 1))
    payload = {"project": project.code, "rows": [row.as_dict()]}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def forged_names() -> set[str]:
    return {forgery.url_name for forgery in FORGERIES}


@pytest.fixture(scope="module")
def forged_world(django_db_setup, django_db_blocker):
    """The users and both bureaus' objects, built once per module (once per xdist worker) inside
    a transaction rolled back after the module's last test; each test runs in a savepoint of it
    (pytest-django), so what a forged or control request changes is gone after the test."""
    with django_db_blocker.unblock(), transaction.atomic():
        _bureau, other_bureau, project, users = conftest_world()
        plan = ProjectPlanFactory(project=project, phase=project.phase)
        own_objects = make_own(project, plan, users)
        yield users, own_objects, make_other(other_bureau, own_objects)
        transaction.set_rollback(True)


@pytest.fixture
def users(forged_world, db):
    """The module's users (conftest's, built once): a copy each test may change."""
    return copy.deepcopy(forged_world[0])


@pytest.fixture
def own(forged_world, db):
    return copy.deepcopy(forged_world[1])


@pytest.fixture
def other(forged_world, db):
    return copy.deepcopy(forged_world[2])


def make_own(project, plan, users):
    """The matrix's objects of the first bureau, all in draft (each editable by its owner), an
    open action item with an activity to plan it, and a project of the bureau without a survey."""
    objects = {"project": project, "plan": plan, **make_matrix_objects(project, plan, users)}
    objects["evaluation"] = objects["open"]
    objects["activity"] = Activity.objects.get(yearly_plan__project=objects["item"].project)
    objects["fresh"] = ProjectFactory(bureau=project.bureau, phase=project.phase, code="fresh")
    return objects


def make_other(other_bureau, own):
    """The other bureau's project with a draft plan, a yearly plan with an activity, an action
    item, and an evaluation in the same round assigned to nobody."""
    project = ProjectFactory(bureau=other_bureau, phase=own["project"].phase, code="kinki")
    plan = ProjectPlanFactory(project=project, phase=project.phase)
    yearly = YearlyPlan.objects.create(project=project, plan=plan, fiscal_year=2009)
    activity = Activity.objects.create(yearly_plan=yearly, heading="network", title="商談会")
    item = ActionItem.objects.create(
        project=project,
        source=ActionItem.Source.EVALUATION,
        evaluation=ProjectEvaluation.objects.create(
            round=own["open"].round,
            project=project,
            **evaluation_position_of(own["open"].round, project),
        ),
        text="販路開拓",
        due_fiscal_year=2009,
        **position_of(project),
    )
    return {
        "project": project,
        "plan": plan,
        "activity": activity,
        "item": item,
        "evaluation": item.evaluation,
        "fresh": project,
    }


def post_url_names(client, users, objects) -> set[str]:
    """URL names whose view does not refuse a POST: a PUT to a view that takes only GET (and
    HEAD) or only GET and POST answers 405 with the methods it allows."""
    client.force_login(users["manager"])
    names = set()
    for name, rows in MATRIX.items():
        response = client.put(reverse(name, kwargs=rows[0].kwargs(objects)))
        if response.status_code != 405 or "POST" in response.get("Allow", ""):
            names.add(name)
    client.logout()
    return names


def test_every_post_endpoint_is_forged_or_says_why_not(client, users, own):
    posts = post_url_names(client, users, own)
    assert len(posts) >= 25, posts
    unforged = sorted(posts - forged_names() - set(NOT_BUREAU_SCOPED))
    assert not unforged, f"POST endpoints without a forged request: {unforged}"
    assert not forged_names() & set(NOT_BUREAU_SCOPED)
    assert forged_names() | set(NOT_BUREAU_SCOPED) <= posts, "a listed endpoint takes no POST"


class FormFields(HTMLParser):
    """The fields a browser would post from a page's forms, with the values it shows."""

    SKIP = {"csrfmiddlewaretoken", "language", "next"}

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea, self._first_option = {}, None, None, None

    def add(self, name, value):
        if name and name not in self.SKIP:
            self.data.setdefault(name, []).append(value or "")

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") not in ("submit", "button", "file", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.add(a.get("name"), a.get("value"))
        elif tag == "textarea":
            self._textarea, self.data_text = a.get("name"), ""
        elif tag == "select":
            self._select, self._first_option, self._chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._chosen = True
                self.add(self._select, a.get("value"))

    def handle_data(self, text):
        if self._textarea:
            self.data_text += text

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.add(self._textarea, self.data_text.lstrip("\n"))
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._chosen and self._first_option is not None:
                self.add(self._select, self._first_option)
            self._select = None


def owner_form(client, user, url) -> dict:
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200, url
    parser = FormFields()
    parser.feed(page.content.decode())
    assert parser.data, f"no form on {url}"
    return parser.data


@pytest.mark.parametrize(
    "forgery",
    FORGERIES,
    ids=[f"{f.url_name}-{f.forger}-{i}" for i, f in enumerate(FORGERIES)],
)
def test_a_forged_request_is_refused_and_changes_nothing(client, users, own, other, forgery):
    url = reverse(forgery.url_name, kwargs=forgery.kwargs(own, other))
    if forgery.data is None:
        data = owner_form(client, users["staff"], url)
    else:
        data = forgery.data(own, other)
    client.force_login(users[forgery.forger])
    before = dump()
    response = client.post(url, data)
    assert response.status_code == forgery.expected, (url, data)
    assert dump() == before, f"a forged request changed the database: {url} {data}"
    if forgery.expected == 200:
        assert "errorlist" in response.content.decode(), "the forged field is not named"
    if forgery.control is not None:
        accepted = client.post(url, forgery.control(own, other))
        assert accepted.status_code == 302, "the same post with the user's own object fails"
        assert dump() != before


def test_a_replayed_owner_form_is_accepted_by_the_owner(client, users, own, other):
    """The replayed forms are real: the owner posting the vision form back is accepted."""
    url = reverse("plan_vision_edit", kwargs=plan_kw(own, other))
    data = owner_form(client, users["staff"], url)
    assert client.post(url, data).status_code == 302
