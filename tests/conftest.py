import pytest

from projects.models import Role
from tests.factories import BureauFactory, ProjectFactory, UserFactory, staff_of


@pytest.fixture
def bureau(db):
    return BureauFactory(code="kanto", name_ja="関東経済産業局")


@pytest.fixture
def other_bureau(db):
    return BureauFactory(code="kinki", name_ja="近畿経済産業局")


@pytest.fixture
def project(bureau):
    return ProjectFactory(
        bureau=bureau, code="kanto-regional", name_ja="地域産業活性化プロジェクト"
    )


@pytest.fixture
def users(bureau, other_bureau):
    """One user per role of DOMAIN.md, plus staff of another bureau and a user with no role."""
    return {
        "staff": staff_of(bureau, username="staff-own"),
        "other_staff": staff_of(other_bureau, username="staff-other"),
        "manager": UserFactory(username="manager", role=Role.MANAGER),
        "evaluator": UserFactory(username="evaluator", role=Role.EVALUATOR),
        "admin": UserFactory(username="admin", role=Role.ADMIN, is_staff=True),
        "no_role": UserFactory(username="no-role"),
    }


def pytest_report_header(config):
    from django.db import connection

    return f"database engine: {connection.vendor} ({connection.settings_dict['NAME']})"


@pytest.fixture
def plan(project):
    from tests.factories import ProjectPlanFactory

    return ProjectPlanFactory(project=project, phase=project.phase)


@pytest.fixture
def plan_in_state(plan, users):
    """A function that walks the plan through the workflow to a given state, as users would."""
    from tests.factories import walk_workflow

    return lambda state: walk_workflow(plan, state, users)


@pytest.fixture(autouse=True)
def japanese():
    """Each test starts in Japanese: a request in English must not leak into the next test."""
    from django.utils import translation

    with translation.override("ja"):
        yield


def pytest_terminal_summary(terminalreporter):
    """The figures of the permission matrix and of the hostile-input corpus, when they ran."""
    import sys

    matrix = sys.modules.get("tests.test_permission_matrix")
    if matrix is not None:
        terminalreporter.write_line(
            f"permission matrix: {len(matrix.MATRIX)} URL names, {len(matrix.ROLES)} roles "
            f"(anonymous included), {sum(map(len, matrix.STATES.values()))} states of "
            f"{len(matrix.STATES)} records ("
            + ", ".join(f"{record} {len(states)}" for record, states in matrix.STATES.items())
            + f"), {len(matrix.CASES)} cases"
        )
    forged = sys.modules.get("tests.test_forged_requests")
    if forged is not None:
        terminalreporter.write_line(
            f"forged requests: {len(forged.FORGERIES)} cases over {len(forged.forged_names())} "
            f"POST URL names ({len(forged.NOT_BUREAU_SCOPED)} POST URL names not bureau-scoped)"
        )
    corpus = sys.modules.get("tests.test_form_corpus")
    if corpus is not None and corpus.RUN["examples"]:
        terminalreporter.write_line(
            "hostile-input corpus: {forms} forms registered, {examples} examples run "
            "({accepted} accepted, {refused} refused)".format(**corpus.RUN)
        )
    if corpus is not None and corpus.UPLOAD_RUN["uploads"]:
        terminalreporter.write_line(
            "hostile uploads: {uploads} files of {cases} cases through the upload screen "
            "({accepted} accepted, {refused} refused)".format(
                cases=len(corpus.UPLOADS), **corpus.UPLOAD_RUN
            )
        )
