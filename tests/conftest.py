import pytest

from tests.factories import BureauFactory, ProjectFactory, role_users


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
    return role_users(bureau, other_bureau)


@pytest.fixture(scope="session")
def django_db_use_migrations(request):
    """On SQLite the test database is built straight from the models (pytest-django's
    `--no-migrations`): running the 20-odd migrations cost each xdist worker 25–40 s of CPU. The
    PostgreSQL run of CI (and any run given `--migrations`) still applies every migration, so
    they are tested once per CI run; `makemigrations --check` keeps models and migrations
    together."""
    from django.db import connection

    if request.config.getvalue("nomigrations"):
        return False
    return connection.vendor != "sqlite" or "--migrations" in request.config.invocation_params.args


# The modules with the longest tests (docs/testing.md), run first: at the end of a run under
# pytest-xdist, a long test started last keeps one worker busy while the other has nothing left.
# Whole modules move (module fixtures are built once), in this order; the rest keep theirs.
SLOW_FIRST = [
    "tests/test_backup.py",
    "tests/browser/",
    "tests/test_scale.py",
    "tests/evaluation/test_exports.py",
    "tests/evaluation/test_national_summaries.py",
    "tests/test_form_corpus.py",
]


def pytest_collection_modifyitems(config, items):
    def rank(item):
        path = item.nodeid.split("::")[0]
        return next(
            (n for n, slow in enumerate(SLOW_FIRST) if path.startswith(slow)), len(SLOW_FIRST)
        )

    items.sort(key=rank)  # stable: within a rank, the collection's order


def pytest_report_header(config):
    from django.db import connection

    migrations = "without" if connection.vendor == "sqlite" else "with"
    if "--migrations" in config.invocation_params.args:
        migrations = "with"
    if config.getvalue("nomigrations"):
        migrations = "without"
    return (
        f"database engine: {connection.vendor} ({connection.settings_dict['NAME']}), "
        f"test database built {migrations} migrations"
    )


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


def suite_figures() -> dict:
    """The figures of the permission matrix, the forged requests and the hostile-input corpus,
    from the test modules this process imported (none: an empty dict). Plain values only: an
    xdist worker sends them to the controller (`pytest_sessionfinish`)."""
    import sys

    figures = {}
    matrix = sys.modules.get("tests.test_permission_matrix")
    if matrix is not None:
        figures["matrix"] = {
            "urls": len(matrix.MATRIX),
            "roles": len(matrix.ROLES),
            "states": {record: len(states) for record, states in matrix.STATES.items()},
            "cases": len(matrix.CASES),
        }
    forged = sys.modules.get("tests.test_forged_requests")
    if forged is not None:
        figures["forged"] = {
            "cases": len(forged.FORGERIES),
            "names": len(forged.forged_names()),
            "not_scoped": len(forged.NOT_BUREAU_SCOPED),
        }
    corpus = sys.modules.get("tests.test_form_corpus")
    if corpus is not None:
        figures["corpus"] = dict(corpus.RUN)
        figures["uploads"] = {**corpus.UPLOAD_RUN, "cases": len(corpus.UPLOADS)}
    return figures


def merge_figures(total: dict, part: dict) -> dict:
    """Adds the figures of one xdist worker to the total: what was counted while tests ran is
    summed (each worker ran some of them), what is read from the modules is the same in each."""
    for key, value in part.items():
        if key not in total:
            total[key] = value
        elif key == "corpus":
            for name in ("examples", "accepted", "refused"):
                total[key][name] += value[name]
            total[key]["forms"] = max(total[key]["forms"], value["forms"])
        elif key == "uploads":
            for name in ("uploads", "accepted", "refused"):
                total[key][name] += value[name]
    return total


WORKER_FIGURES = pytest.StashKey[dict]()


def pytest_sessionfinish(session):
    """On an xdist worker: hand the figures to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["suite_figures"] = suite_figures()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """On the xdist controller: sum the figures of each worker as it finishes."""
    part = getattr(node, "workeroutput", {}).get("suite_figures")
    if part:
        total = node.config.stash.setdefault(WORKER_FIGURES, {})
        merge_figures(total, part)


def pytest_terminal_summary(terminalreporter, config):
    """The figures of the permission matrix and of the hostile-input corpus, when they ran,
    with or without xdist (the controller imports no test module: the workers send them)."""
    figures = config.stash.get(WORKER_FIGURES, None) or suite_figures()
    write = terminalreporter.write_line
    matrix = figures.get("matrix")
    if matrix:
        write(
            f"permission matrix: {matrix['urls']} URL names, {matrix['roles']} roles "
            f"(anonymous included), {sum(matrix['states'].values())} states of "
            f"{len(matrix['states'])} records ("
            + ", ".join(f"{record} {count}" for record, count in matrix["states"].items())
            + f"), {matrix['cases']} cases"
        )
    forged = figures.get("forged")
    if forged:
        write(
            f"forged requests: {forged['cases']} cases over {forged['names']} "
            f"POST URL names ({forged['not_scoped']} POST URL names not bureau-scoped)"
        )
    corpus = figures.get("corpus")
    if corpus and corpus["examples"]:
        write(
            "hostile-input corpus: {forms} forms registered, {examples} examples run "
            "({accepted} accepted, {refused} refused)".format(**corpus)
        )
    uploads = figures.get("uploads")
    if uploads and uploads["uploads"]:
        write(
            "hostile uploads: {uploads} files of {cases} cases through the upload screen "
            "({accepted} accepted, {refused} refused)".format(**uploads)
        )
