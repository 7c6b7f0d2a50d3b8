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

import copy
import datetime
import io
import random
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.forms.actions import ItemNoteForm, ItemPlanForm
from evaluation.forms.cases import (
    AdoptionForm,
    AdoptionListApplyForm,
    AdoptionListUploadForm,
    CaseForm,
)
from evaluation.forms.common import TransitionForm, VersionedForm
from evaluation.forms.economic import NationalFiguresForm
from evaluation.forms.overall import OverallPlanForm, ToolBudgetForm
from evaluation.forms.plans import (
    PlanCreateForm,
    ScenarioForm,
    StrategyItemForm,
    StrategyNotesForm,
    VisionForm,
)
from evaluation.forms.registry import (
    MemberCountsForm,
    MemberListApplyForm,
    MemberListUploadForm,
)
from evaluation.forms.reports import (
    ReportCreateForm,
    ReportEntryForm,
    SelfCheckForm,
    WorkbookUploadForm,
)
from evaluation.forms.rounds import AssignForm, ConsolidateForm, RatingForm, RoundCreateForm
from evaluation.forms.surveys import SurveyCreateForm, SurveyForm
from evaluation.forms.targets import TargetAddForm, TargetValuesForm
from evaluation.forms.yearly import ActivityForm, YearlyPlanCreateForm, YearlyPlanForm
from evaluation.renderers.workbooks import DATA_SHEET, FIRST_ROW, MAX_FILE_BYTES

pytestmark = pytest.mark.django_db

APP_MODULES = ("evaluation.", "projects.", "config.")
# Base classes that are never posted alone: covered through their subclasses.
BASES = {VersionedForm}
# Forms of the Django admin (master data, admins only) are Django's own, checked by its tests.
ADMIN_FORMS = {"projects.admin.UserAdminForm"}
EXAMPLES = 15
RUN = {"forms": 0, "examples": 0, "accepted": 0, "refused": 0}
UPLOAD_RUN = {"uploads": 0, "accepted": 0, "refused": 0}


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
    PlanCreateForm: Screen("plan_create", "staff", lambda o: [o["fresh"].code]),
    VisionForm: Screen("plan_vision_edit", "staff", plan_args),
    ScenarioForm: Screen("plan_scenario_revise", "staff", plan_args),
    StrategyItemForm: Screen("plan_strategies_edit", "staff", plan_args),
    StrategyNotesForm: Screen("plan_strategies_edit", "staff", plan_args),
    TransitionForm: Screen("plan_transition", "staff", lambda o: [*plan_args(o), "submit"]),
    TargetAddForm: Screen("target_add", "staff", plan_args),
    TargetValuesForm: Screen("target_edit", "staff", lambda o: [*plan_args(o), o["target"].pk]),
    YearlyPlanCreateForm: Screen("yearly_plan_create", "staff", lambda o: [o["plan"].project.code]),
    ActivityForm: Screen("yearly_plan_edit", "staff", lambda o: [o["yearly"].project.code, 2007]),
    YearlyPlanForm: Screen("yearly_plan_edit", "staff", lambda o: [o["yearly"].project.code, 2007]),
    OverallPlanForm: Screen("overall_plan_edit", "manager", lambda o: ["II"]),
    ReportEntryForm: Screen("report_edit", "staff", report_args),
    ReportCreateForm: Screen("report_create", "staff", lambda o: [o["plan"].project.code]),
    WorkbookUploadForm: Screen("report_upload", "staff", report_args, True),
    SelfCheckForm: Screen("report_self_check", "staff", report_args),
    RoundCreateForm: Screen("round_create", "manager", lambda o: []),
    AssignForm: Screen("evaluation_assign", "manager", evaluation_args),
    RatingForm: Screen("rating_edit", "evaluator", evaluation_args),
    ConsolidateForm: Screen("evaluation_consolidate", "manager", evaluation_args),
    ItemPlanForm: Screen("action_item_move", "staff", lambda o: [o["item"].pk, "plan"]),
    NationalFiguresForm: Screen("national_figures_edit", "manager", lambda o: []),
    SurveyCreateForm: Screen("survey_create", "staff", lambda o: []),
    SurveyForm: Screen("survey_edit", "staff", lambda o: [o["survey"].pk]),
    ItemNoteForm: Screen("action_item_move", "manager", lambda o: [o["item"].pk, "dismiss"]),
    MemberListUploadForm: Screen(
        "member_import", "staff", lambda o: [o["report"].project.code], True
    ),
    MemberCountsForm: Screen("report_member_counts", "staff", report_args),
    MemberListApplyForm: Screen(
        "member_import_apply", "staff", lambda o: [o["report"].project.code]
    ),
    ToolBudgetForm: Screen("tool_budgets", "manager", lambda o: ["II"]),
    CaseForm: Screen("case_create", "staff", lambda o: [o["report"].project.code]),
    AdoptionForm: Screen("adoption_create", "staff", lambda o: [o["report"].project.code]),
    AdoptionListUploadForm: Screen(
        "adoption_import", "staff", lambda o: [o["report"].project.code], True
    ),
    AdoptionListApplyForm: Screen(
        "adoption_import_apply", "staff", lambda o: [o["report"].project.code]
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


def dumped_tables() -> dict[str, str]:
    """The tables `dump` reads: every managed model's but sessions and the login-attempt log."""
    tables = {}
    for model in apps.get_models():
        label = model._meta.label
        if label.startswith(("sessions.", "axes.")) or not model._meta.managed:
            continue
        tables[label] = model._meta.db_table
    return tables


def dump():
    """Every row of every table but sessions and the login-attempt log, for comparison: the rows
    as stored, read with plain SQL (building an ORM query per table for each of the corpus's
    hundreds of examples was most of its time)."""
    from django.db import connection

    rows = {}
    with connection.cursor() as cursor:
        for label, table in dumped_tables().items():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[label] = sorted(map(repr, cursor.fetchall()))
    return rows


def clear_error(response) -> bool:
    text = response.content.decode()
    return 'role="alert"' in text or "errorlist" in text


@pytest.fixture(scope="module")
def corpus_world(django_db_setup, django_db_blocker):
    """The users and the objects of the screens, built once per module (once per xdist worker)
    inside a transaction rolled back after the module's last test. Each test runs in a savepoint
    of it (pytest-django) and each hypothesis example in one of its own: nothing leaks."""
    from tests.factories import conftest_world

    with django_db_blocker.unblock(), transaction.atomic():
        bureau, _other_bureau, project, users = conftest_world()
        yield users, make_corpus_objects(project, users, bureau)
        transaction.set_rollback(True)


@pytest.fixture
def users(corpus_world, db):
    """The module's users (conftest's, built once): a copy each test may change."""
    return copy.deepcopy(corpus_world[0])


@pytest.fixture
def corpus_objects(corpus_world, db):
    return copy.deepcopy(corpus_world[1])


def make_corpus_objects(project, users, bureau):
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
    from projects.models import PolicyTool

    PolicyTool.objects.create(code="corpus-tool", name_ja="検査の施策")  # an adoption's tool

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

    file_fields = [n for n, f in form_class.base_fields.items() if isinstance(f, forms.FileField)]
    assert screen.upload == bool(file_fields), "a form with a file field is an upload screen"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=fields, payload=st.binary(max_size=2000))
    def example(data, payload):
        post = dict(data)
        for name in file_fields:  # the bytes go in the form's own file field
            post[name] = SimpleUploadedFile("hostile.xlsx", payload)
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


# --- Uploads: hostile files through the upload screen ---------------------------------------
# The service-level corpus of workbooks is tests/evaluation/test_workbook_corpus.py; here each
# hostile file goes through the screen as the bureau's staff would send it, and the answer and
# the whole database are checked. The panel CSV import (evaluation.services.panel) has no
# screen: it is a management command, tested in tests/evaluation/test_panel_import.py.

COMMON = "new-businesses-started"
REFUSED = "refused"


def _zip_with_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "これは Excel ブックではありません。")
    return buffer.getvalue()


def _blank_workbook() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def _changed(mutate):
    """The report's own download, changed with openpyxl: `mutate(workbook, sheet, row)`, where
    `row` is the common target's row."""

    def build(download: bytes) -> bytes:
        workbook = openpyxl.load_workbook(io.BytesIO(download))
        sheet = workbook[DATA_SHEET]
        rows = [r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value == COMMON]
        assert rows, "the download has the common target's row"
        mutate(workbook, sheet, rows[0])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    return build


def _cell(column: str, value, number_format=None):
    def mutate(workbook, sheet, row):
        cell = sheet[f"{column}{row}"]
        cell.value = value
        if number_format:
            cell.number_format = number_format

    return _changed(mutate)


def _raw_text_in_comment(raw: str):
    """A comment whose XML carries characters openpyxl will not write (control characters)."""
    marker = "MARKER-FOR-RAW-TEXT"

    def build(download: bytes) -> bytes:
        data = _cell("J", marker)(download)
        source = zipfile.ZipFile(io.BytesIO(data))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for entry in source.infolist():
                content = source.read(entry)
                target.writestr(entry.filename, content.replace(marker.encode(), raw.encode()))
        return buffer.getvalue()

    return build


def _rename_sheet(workbook, sheet, row):
    sheet.title = "Sheet1"


UPLOADS = {
    # name: (build the file from the report's download, what must happen: REFUSED and the words
    # of the message, or the (kind, value) stored for the common target)
    "empty-file": (lambda d: b"", (REFUSED, "中身が空でした")),  # Django's check of the field
    "random-bytes": (lambda d: random.Random(13).randbytes(4096), (REFUSED, "ではありません")),
    "zip-that-is-not-an-xlsx": (lambda d: _zip_with_text(), (REFUSED, "ではありません")),
    "csv-named-xlsx": (
        lambda d: "行ID,値\nnew-businesses-started,12\n".encode("utf-8-sig"),
        (REFUSED, "ではありません"),
    ),
    "oversized-file": (
        lambda d: d + bytes(MAX_FILE_BYTES + 1 - len(d)),
        (REFUSED, "ファイルが大きすぎます"),
    ),
    "valid-xlsx-with-other-sheets": (lambda d: _blank_workbook(), (REFUSED, "ダウンロードした")),
    "data-sheet-renamed": (_changed(_rename_sheet), (REFUSED, "ダウンロードした")),
    "formula-in-value": (_cell("H", "=1+1"), (REFUSED, "数式は受け付けません")),
    "formula-in-comment": (
        _cell("J", '=HYPERLINK("http://example.com","x")'),
        (REFUSED, "数式は受け付けません"),
    ),
    "enormous-source-note": (_cell("I", "注" * 20000), (REFUSED, "500文字以内")),
    "enormous-comment": (_cell("J", "x" * 32000), (REFUSED, "5000文字以内")),
    "control-character-in-comment": (_raw_text_in_comment("a\x1bb"), (REFUSED, "読み込めません")),
    "nul-in-comment": (_raw_text_in_comment("a\x00b"), (REFUSED, "読み込めません")),
    "bidi-and-zero-width-text-in-comment": (
        _cell("J", "\u202e\u200b注記"),
        ("unknown", None),
    ),
    "nan-as-text": (_cell("H", "NaN"), (REFUSED, "数値として認識できません")),
    "infinity-as-text": (_cell("H", "Infinity"), (REFUSED, "数値として認識できません")),
    "minus-infinity-as-text": (_cell("H", "-Infinity"), (REFUSED, "数値として認識できません")),
    "huge-number-as-text": (_cell("H", "9" * 40), (REFUSED, "数値が大きすぎます")),
    "date-far-in-the-past": (_cell("H", datetime.date(1900, 1, 1)), (REFUSED, "日付は")),
    "date-far-in-the-future": (_cell("H", datetime.datetime(9999, 12, 31)), (REFUSED, "日付は")),
    "date-format-on-a-serial-beyond-9999": (
        _cell("H", 10**7, "yyyy-mm-dd"),
        (REFUSED, "「#VALUE!」を数値として認識できません"),  # openpyxl: an error cell,
    ),
    "negative-count": (_cell("H", -3), (REFUSED, "0以上の整数")),
    "full-width-digits": (_cell("H", "１２"), ("number", Decimal(12))),
    "full-width-digits-with-separator": (_cell("H", "１，２００"), ("number", Decimal(1200))),
}


@pytest.mark.parametrize("name", list(UPLOADS))
def test_a_hostile_upload_is_refused_clearly_or_accepted_correctly(
    client, users, corpus_objects, name
):
    from evaluation.models import MonitoredValue

    build, expected = UPLOADS[name]
    report = corpus_objects["report"]
    client.force_login(users["staff"])
    download = client.get(reverse("report_download", args=report_args(corpus_objects)))
    assert download.status_code == 200
    data = build(download.content)
    url = reverse("report_upload", args=report_args(corpus_objects))
    before = dump()
    response = client.post(url, {"file": SimpleUploadedFile("report.xlsx", data), "reason": ""})
    UPLOAD_RUN["uploads"] += 1
    if expected[0] == REFUSED:
        UPLOAD_RUN["refused"] += 1
        assert response.status_code in (200, 400), response.status_code  # 200: the form's
        assert clear_error(response), f"no error shown for {name}"
        assert expected[1] in response.content.decode(), f"{name}: not {expected[1]!r}"
        assert dump() == before, f"a refused upload changed the database: {name}"
    else:
        UPLOAD_RUN["accepted"] += 1
        assert response.status_code == 302, response.content.decode()[:2000]
        value = MonitoredValue.objects.get(project=report.project, indicator__code=COMMON)
        assert (value.kind, value.value) == expected


@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("round_create", "evaluators"),
        ("round_create", "criteria"),
        ("evaluation_assign", "evaluators"),
    ],
)
@pytest.mark.parametrize("pk", [str(2**63), str(-(2**63) - 1), "9" * 30])
def test_an_id_beyond_the_integer_range_is_not_a_choice(
    client, users, corpus_objects, url_name, field, pk
):
    """Found by the corpus: such an id reached the database in an IN lookup (a server error)."""
    args = evaluation_args(corpus_objects) if url_name == "evaluation_assign" else []
    client.force_login(users["manager"])
    before = dump()
    response = client.post(reverse(url_name, args=args), {field: [pk], "title": "第2回"})
    assert response.status_code == 200
    assert clear_error(response) and pk in response.content.decode()
    assert dump() == before
