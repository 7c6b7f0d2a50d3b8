import factory
from django.contrib.auth.models import Group

from evaluation.models import Indicator, MonitoredValue, ValueKind
from projects.models import Bureau, Field, Phase, Project, Role, User


class BureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bureau
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"bureau-{n}")
    name_ja = factory.Sequence(lambda n: f"テスト経済産業局{n}")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"field-{n}")
    name_ja = factory.Sequence(lambda n: f"分野{n}")


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase
        django_get_or_create = ["code"]

    code = "II"
    name_ja = "第II期 成長期"
    name_en = "Phase II: growth"
    first_fiscal_year = 2006
    last_fiscal_year = 2010


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"project-{n}")
    name_ja = factory.Sequence(lambda n: f"テストプロジェクト{n}")
    name_en = factory.Sequence(lambda n: f"Test project {n}")
    bureau = factory.SubFactory(BureauFactory)
    phase = factory.SubFactory(PhaseFactory)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"indicator-{n}")
    name_ja = factory.Sequence(lambda n: f"指標{n}")
    category = Indicator.Category.INNOVATION
    level = Indicator.Level.OUTCOME
    unit = Indicator.Unit.CASES
    measure = Indicator.Measure.FLOW


class MonitoredValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoredValue

    project = factory.SubFactory(ProjectFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = 2006
    kind = ValueKind.NUMBER
    value = 12

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        """A value made here is written around the services, as a published figure loaded
        from a file: the kept national totals follow, as the load's rebuild would."""
        super()._after_postgeneration(instance, create, results)
        if create:
            from evaluation.services.national_summaries import refresh_national

            refresh_national(project_ids=[instance.project_id], fiscal_years=[instance.fiscal_year])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}")
    password = factory.django.Password("test-pass-2006")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=Role(extracted).value)[0])
            self.__dict__.pop("role", None)  # forget a cached role


def staff_of(bureau, **kwargs) -> User:
    return UserFactory(bureau=bureau, role=Role.STAFF, **kwargs)


def role_users(bureau, other_bureau) -> dict[str, User]:
    """One user per role of DOMAIN.md, plus staff of another bureau and a user with no role."""
    return {
        "staff": staff_of(bureau, username="staff-own"),
        "other_staff": staff_of(other_bureau, username="staff-other"),
        "manager": UserFactory(username="manager", role=Role.MANAGER),
        "evaluator": UserFactory(username="evaluator", role=Role.EVALUATOR),
        "admin": UserFactory(username="admin", role=Role.ADMIN, is_staff=True),
        "no_role": UserFactory(username="no-role"),
    }


def conftest_world():
    """(bureau, other_bureau, project, users) as tests/conftest.py's fixtures of those names make
    them, for a fixture of a wider scope that builds its objects once for many tests."""
    bureau = BureauFactory(code="kanto", name_ja="関東経済産業局")
    other_bureau = BureauFactory(code="kinki", name_ja="近畿経済産業局")
    project = ProjectFactory(
        bureau=bureau, code="kanto-regional", name_ja="地域産業活性化プロジェクト"
    )
    return bureau, other_bureau, project, role_users(bureau, other_bureau)


class ProjectPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.ProjectPlan"

    project = factory.SubFactory(ProjectFactory)
    phase = factory.SubFactory(PhaseFactory)


class YearlyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.YearlyPlan"

    plan = factory.SubFactory(ProjectPlanFactory)
    project = factory.SelfAttribute("plan.project")
    fiscal_year = 2007


WORKFLOW_PATHS = {
    "draft": [],
    "submitted": [("submit", "staff")],
    "returned": [("submit", "staff"), ("return", "manager")],
    "approved": [("submit", "staff"), ("approve", "manager")],
    "reopened": [("submit", "staff"), ("approve", "manager"), ("reopen", "manager")],
}


def walk_workflow(record, state, users, comment="テストのコメント", submitter="staff"):
    """Take a record to a workflow state as users would (staff submit, the manager decides; a
    national survey is submitted by the manager: `submitter="manager"`)."""
    from evaluation.services.workflow import workflow_transition

    for action, who in WORKFLOW_PATHS[state]:
        who = submitter if action == "submit" else who
        record = workflow_transition(obj=record, action=action, by=users[who], comment=comment)
    return record


ACTION_ITEM_PATHS = {
    "open": [],
    "planned": [("plan", "staff")],
    "done": [("plan", "staff"), ("done", "staff")],
    "verified": [("plan", "staff"), ("done", "staff"), ("verify", "manager")],
    "dismissed": [("dismiss", "manager")],
}


def walk_action_item(item, state, users):
    """Take an action item to a state as users would: staff plan it (linking every activity of
    its project's yearly plans) and mark it done, the manager verifies or dismisses it."""
    from evaluation.models import Activity
    from evaluation.services import actions

    for move, who in ACTION_ITEM_PATHS[state]:
        by, version = users[who], item.version
        if move == "plan":
            ids = Activity.objects.filter(yearly_plan__project=item.project).values_list("pk")
            item = actions.action_item_plan(
                item=item, by=by, expected_version=version, activity_ids=[pk for (pk,) in ids]
            )
        else:
            service = getattr(actions, f"action_item_{move}")
            item = service(item=item, by=by, expected_version=version, note="テストの記録")
    return item


def rate_and_finish(evaluation, users, *, grade="A", findings="", recommendations=""):
    """The assigned evaluator rates every criterion of the round with `grade`, then the manager
    consolidates and finishes the evaluation (its recommendations become action items)."""
    from evaluation.services.evaluations import evaluation_consolidate, rating_save

    rating_save(
        evaluation=evaluation,
        by=users["evaluator"],
        expected_version=0,
        overall_grade=grade,
        findings="",
        recommendations="",
        grades={c.pk: grade for c in evaluation.round.criteria.all()},
    )
    evaluation.refresh_from_db()
    return evaluation_consolidate(
        evaluation=evaluation,
        by=users["manager"],
        expected_version=evaluation.version,
        final_grade=grade,
        findings=findings,
        recommendations=recommendations,
        finish=True,
    )
