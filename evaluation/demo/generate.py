"""A reproducible synthetic data set for benchmarks and scale tests (`manage.py generate_data`).

The same seed gives the same rows. Projects are written in chunks, each chunk in its own
transaction and with bulk inserts; every model that keeps an audit history gets its history rows
too (django-simple-history's `bulk_create_with_history`), and workflow records get the
transitions that brought them to their state. Memory is bounded by the chunk, not the total.

What a project gets, for each fiscal year of the range that falls in a phase (II: 2006–2010,
III: 2011–2020):
- a plan per phase (phase II approved; later phases in every workflow state), with a scenario
  revision, targets (the common target and others from the indicators) with a first version,
  a milestone and, for some, a second version with its reason;
- a yearly plan with two activities and an annual report, both in every workflow state for the
  last two years and approved before;
- a value per indicator and year, of all four kinds (数値, ゼロ, 該当なし, 未把握);
- evaluation rounds in the third year of each phase, with two evaluators' ratings, most
  evaluations finished, and action items from the recommendations in every state; four
  evaluators share every project between them, and a fifth, a panel member, is assigned
  PANEL_PROJECTS projects only, the first and the last ones (an evaluator of a few projects,
  as most are);
- a member list (会員名簿) of about `members` organisations (300 by default): four in five
  firms, most of them the project's own and some shared, and universities, research
  institutes, local governments, chambers, banks, support bodies and trading companies drawn
  from pools shared by every project, so an organisation is a member of several projects and
  the distinct count is below the sum (as the national roll-up's 実数 and 延べ数 show).
"""

import datetime
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from evaluation.models import (
    ActionItem,
    Activity,
    AnnualReport,
    CriterionGrade,
    EvaluationCriterion,
    EvaluationRound,
    EvaluatorRating,
    Grade,
    Indicator,
    MonitoredValue,
    ProjectEvaluation,
    ProjectPlan,
    ScenarioRevision,
    State,
    StrategyItem,
    Target,
    TargetMilestone,
    TargetVersion,
    WorkflowEvent,
    YearlyPlan,
)
from evaluation.models.reports import SELF_RATINGS
from evaluation.services.list_positions import evaluation_position_of, position_of
from evaluation.services.member_counts import rebuild_member_counts
from projects.cases import STAGE_ORDER
from projects.models import (
    Adoption,
    Bureau,
    CasePartner,
    CaseStage,
    CollaborationCase,
    Field,
    Membership,
    Organisation,
    OrganisationType,
    Phase,
    PolicyTool,
    Project,
    Role,
    User,
)
from projects.registry import normalise_name

PREFIX = "gen-"
CASES_PER_PROJECT = 4
# The panel member's projects: the same few at every size (the benchmark's fourth reader).
PANEL_PROJECTS = 3
PANEL = f"{PREFIX}evaluator-panel"
ADOPTIONS_PER_PROJECT = 6
CASE_THEMES = ("新素材の評価", "試作品の共同開発", "販路開拓", "省エネ技術", "医療機器の開発")
PARTNER_ROLES = ("共同研究先", "販売先", "試作の協力", "")
BATCH = 2000
STATES = list(State)
# How a workflow record reached its state: (action, from, to, comment) steps.
PATHS = {
    State.DRAFT: [],
    State.SUBMITTED: [("submit", "draft", "submitted", "")],
    State.RETURNED: [
        ("submit", "draft", "submitted", ""),
        ("return", "submitted", "returned", "数値の根拠を追記してください。"),
    ],
    State.APPROVED: [
        ("submit", "draft", "submitted", ""),
        ("approve", "submitted", "approved", ""),
    ],
    State.REOPENED: [
        ("submit", "draft", "submitted", ""),
        ("approve", "submitted", "approved", ""),
        ("reopen", "approved", "reopened", "公表値の訂正のため再開します。"),
    ],
}


# A member list's make-up by type (share of its members) and how many times larger than one
# project's count each shared pool is. Firms: the project's own, plus a fifth drawn from a pool.
MEMBER_SHARES = {
    OrganisationType.FIRM: 0.80,
    OrganisationType.UNIVERSITY: 0.05,
    OrganisationType.RESEARCH: 0.03,
    OrganisationType.GOVERNMENT: 0.05,
    OrganisationType.CHAMBER: 0.025,
    OrganisationType.FINANCE: 0.03,
    OrganisationType.SUPPORT: 0.01,
    OrganisationType.TRADING: 0.005,
}
POOL_FACTOR = 20
SHARED_FIRMS = 0.2
INDUSTRIES = "DEEEEEGHIKLLR"  # manufacturing most often, as in the seed's clusters


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, n: int) -> None:
        self.rows[label] = self.rows.get(label, 0) + n

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class People:
    staff: dict[int, User]  # bureau id → staff member
    manager: User
    evaluators: list[User]
    panel: User


def _user(username: str, role: Role, bureau=None) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"bureau": bureau})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role.value))
    return user


def people(bureaus: list[Bureau]) -> People:
    """The generated accounts: one staff member per bureau, a manager, four evaluators and a
    panel member (an evaluator of PANEL_PROJECTS projects). They cannot sign in (no password);
    the benchmark logs them in directly."""
    return People(
        staff={b.pk: _user(f"{PREFIX}staff-{b.code}", Role.STAFF, b) for b in bureaus},
        manager=_user(f"{PREFIX}manager", Role.MANAGER),
        evaluators=[_user(f"{PREFIX}evaluator-{n}", Role.EVALUATOR) for n in range(1, 5)],
        panel=_user(PANEL, Role.EVALUATOR),
    )


def indicators(count: int) -> list[Indicator]:
    """The catalogue's indicators, topped up with generated ones when more are asked for."""
    catalogue = list(Indicator.objects.order_by("category", "order", "code"))
    categories = [c for c, _label in Indicator.Category.choices]
    for n in range(len(catalogue), count):
        catalogue.append(
            Indicator.objects.get_or_create(
                code=f"{PREFIX}indicator-{n + 1:02d}",
                defaults=dict(
                    name_ja=f"生成指標{n + 1}",
                    name_en=f"Generated indicator {n + 1}",
                    category=categories[n % len(categories)],
                    level=Indicator.Level.OUTCOME,
                    unit=Indicator.Unit.CASES,
                    measure=Indicator.Measure.FLOW,
                    order=100 + n,
                ),
            )[0]
        )
    common = [i for i in catalogue if i.is_common_target]
    rest = [i for i in catalogue if not i.is_common_target]
    return (common + rest)[: max(count, len(common))]


def _state(rng: random.Random, year: int, last_year: int) -> State:
    """Approved before the last two years; any state in them."""
    return rng.choice(STATES) if year >= last_year - 1 else State.APPROVED


def _events(records: Iterable, by: User, content_type: ContentType) -> list[WorkflowEvent]:
    return [
        WorkflowEvent(
            content_type=content_type,
            object_id=record.pk,
            action=action,
            from_state=from_state,
            to_state=to_state,
            by=by,
            comment=comment,
        )
        for record in records
        for action, from_state, to_state, comment in PATHS[State(record.state)]
    ]


def _value(rng: random.Random, base: int, year_index: int) -> tuple[str, Decimal | None]:
    roll = rng.random()
    if roll < 0.04:
        return "zero", Decimal(0)
    if roll < 0.07:
        return "not_applicable", None
    if roll < 0.10:
        return "unknown", None
    return "number", Decimal(base + year_index * rng.randint(1, 5))


class Generator:
    def __init__(
        self,
        *,
        seed: int,
        first_year: int,
        last_year: int,
        indicator_count: int,
        members: int = 300,
    ):
        self.seed = seed
        self.members = members
        self._pools: dict[str, list[Organisation]] | None = None
        self.years = range(first_year, last_year + 1)
        self.bureaus = list(Bureau.objects.order_by("order"))
        self.fields = list(Field.objects.order_by("order"))
        self.phases = [
            p
            for p in Phase.objects.order_by("first_fiscal_year")
            if p.first_fiscal_year <= last_year and p.last_fiscal_year >= first_year
        ]
        if not (self.bureaus and self.phases):
            raise ValueError("reference data missing: run `manage.py load_reference` first")
        self.people = people(self.bureaus)
        self.indicators = indicators(indicator_count)
        self.criteria = list(EvaluationCriterion.objects.order_by("order"))
        self.rounds = self._rounds()
        self.types = {
            model: ContentType.objects.get_for_model(model)
            for model in (ProjectPlan, YearlyPlan, AnnualReport)
        }
        self.counts = Counts()
        self.now = timezone.now()

    def _rounds(self) -> dict[int, EvaluationRound]:
        """One round per phase, in the phase's third year (the mid-term evaluation)."""
        rounds = {}
        for phase in self.phases:
            year = phase.first_fiscal_year + 2
            if year not in self.years:
                continue
            rounds[phase.pk], _created = EvaluationRound.objects.get_or_create(
                phase=phase,
                fiscal_year=year,
                defaults={
                    "title": f"{phase.name_ja} 中間評価（生成）",
                    "created_by": self.people.manager,
                },
            )
            rounds[phase.pk].criteria.set(self.criteria)
        return rounds

    def run(self, projects: int, *, start: int = 0, chunk: int = 50, progress: Callable = None):
        for first in range(start, start + projects, chunk):
            size = min(chunk, start + projects - first)
            with transaction.atomic():
                self._chunk(first, size)
            if progress:
                progress(size)
        self._panel()
        # The memberships were bulk-inserted around services.member_counts: the national
        # member counts once, from every membership (the other summaries: rebuild_summaries).
        rebuild_member_counts()
        return self.counts

    def _panel(self) -> None:
        """The panel member is assigned, in every round, the first project generated (the
        benchmark's sample) and the last PANEL_PROJECTS - 1 (the rows written last: a walk of a
        table in the order it was written crosses all of it before reaching them). (After the
        rest: the other rows are those of a generator without a panel.) A run that tops the
        data up moves the assignment to the new last ones: PANEL_PROJECTS at every size."""
        generated = Project.objects.filter(code__startswith=PREFIX)
        projects = [
            *generated.order_by("code")[:1],
            *generated.order_by("-code")[: PANEL_PROJECTS - 1],
        ]
        evaluations = ProjectEvaluation.objects.filter(
            project__in=projects, round__in=list(self.rounds.values())
        )
        Through = ProjectEvaluation.evaluators.through
        Through.objects.filter(user=self.people.panel).delete()  # a top-up's: the new last ones
        Through.objects.bulk_create(
            [Through(projectevaluation=e, user=self.people.panel) for e in evaluations]
        )

    def _save(self, model, objs: list, label: str | None = None) -> list:
        """Bulk-insert with history rows when the model keeps an audit history."""
        if not objs:
            return []
        if hasattr(model, "history"):
            saved = bulk_create_with_history(
                objs, model, batch_size=BATCH, default_user=self.people.manager
            )
            self.counts.add(f"{model._meta.verbose_name_plural}（履歴）", len(saved))
        else:
            saved = model.objects.bulk_create(objs, batch_size=BATCH)
        self.counts.add(label or str(model._meta.verbose_name_plural), len(saved))
        return saved

    def _chunk(self, first: int, size: int) -> None:
        rng = random.Random(f"{self.seed}:{first}")
        last_year = self.years[-1]
        projects = self._save(
            Project,
            [
                Project(
                    code=f"{PREFIX}{n + 1:05d}",
                    name_ja=f"生成プロジェクト{n + 1}",
                    name_en=f"Generated project {n + 1}",
                    bureau=self.bureaus[n % len(self.bureaus)],
                    phase=self.phases[0],
                    order=n + 1,
                    first_fiscal_year=self.years[0],
                )
                for n in range(first, first + size)
            ],
        )
        Project.fields.through.objects.bulk_create(
            Project.fields.through(project=p, field=f)
            for p in projects
            for f in rng.sample(self.fields, k=min(2, len(self.fields)))
        )
        staff = self.people.staff
        plans = self._save(
            ProjectPlan,
            [
                ProjectPlan(
                    project=p,
                    phase=phase,
                    state=State.APPROVED if k == 0 else rng.choice(STATES),
                    industrial_resources=f"{p.name_ja}の産業資源",
                    development_outlook="新事業の創出を通じて地域経済の自律的発展を目指す。",
                )
                for p in projects
                for k, phase in enumerate(self.phases)
            ],
        )
        self._save(
            WorkflowEvent,
            _events(plans, self.people.manager, self.types[ProjectPlan]),
            "審査の履歴",
        )
        self._save(
            ScenarioRevision,
            [
                ScenarioRevision(
                    plan=plan,
                    number=1,
                    fiscal_year=plan.phase.first_fiscal_year,
                    start_fiscal_year=plan.phase.first_fiscal_year,
                    end_fiscal_year=plan.phase.last_fiscal_year,
                    narrative="ネットワーク形成から共同事業へ、そして新事業の創出へ。",
                    reason="当初計画",
                    author=staff[plan.project.bureau_id],
                )
                for plan in plans
            ],
        )
        self._save(
            StrategyItem,
            [
                StrategyItem(
                    plan=plan,
                    heading=heading,
                    area=StrategyItem.Area.MARKET if heading == "joint_business" else "",
                    title="重点の取組",
                    order=k,
                )
                for plan in plans
                for k, heading in enumerate(StrategyItem.Heading.values)
            ],
        )
        targets = self._save(
            Target,
            [
                Target(
                    plan=plan,
                    indicator=indicator,
                    direction=indicator.direction,
                    cumulation="cumulative" if indicator.is_common_target else "flow",
                    order=k,
                )
                for plan in plans
                for k, indicator in enumerate(self._target_indicators(rng))
            ],
        )
        versions = self._save(TargetVersion, self._versions(rng, targets, staff))
        self._save(
            TargetMilestone,
            [
                TargetMilestone(
                    version=v,
                    fiscal_year=(v.applies_from_fiscal_year + v.target_fiscal_year) // 2,
                    value=v.target_value / 2,
                )
                for v in versions
            ],
        )
        plan_of = {(plan.project_id, plan.phase_id): plan for plan in plans}
        phase_of = {y: next((p for p in self.phases if p.contains(y)), None) for y in self.years}
        yearly = self._save(
            YearlyPlan,
            [
                YearlyPlan(
                    project=p,
                    plan=plan_of[p.pk, phase_of[year].pk],
                    fiscal_year=year,
                    state=_state(rng, year, last_year),
                    summary=f"{year}年度の重点",
                )
                for p in projects
                for year in self.years
                if phase_of[year]
            ],
        )
        self._save(
            WorkflowEvent,
            _events(yearly, self.people.manager, self.types[YearlyPlan]),
            "審査の履歴",
        )
        outputs = [i for i in self.indicators if i.level == Indicator.Level.OUTPUT] or [None]
        activities = self._save(
            Activity,
            [
                Activity(
                    yearly_plan=y,
                    heading=heading,
                    title=f"活動{k + 1}",
                    output_indicator=outputs[k % len(outputs)],
                    planned_output=Decimal(10) if outputs[0] else None,
                    budget_yen=1_000_000 * (k + 1),
                    order=k,
                )
                for y in yearly
                for k, heading in enumerate(StrategyItem.Heading.values[:2])
            ],
        )
        reports = self._save(
            AnnualReport,
            [
                AnnualReport(
                    project=p,
                    fiscal_year=year,
                    state=_state(rng, year, last_year),
                    comment="年度の取組と成果",
                    self_results="連携による新事業が生まれた。",
                    self_actions="販路開拓の支援を強化する",
                    self_rating=rng.choice(SELF_RATINGS)[0],
                )
                for p in projects
                for year in self.years
            ],
        )
        self._save(
            WorkflowEvent,
            _events(reports, self.people.manager, self.types[AnnualReport]),
            "審査の履歴",
        )
        report_of = {(r.project_id, r.fiscal_year): r.pk for r in reports}
        values = {}
        for p in projects:
            for indicator in self.indicators:
                base = rng.randint(5, 500)
                for k, year in enumerate(self.years):
                    values[p.pk, indicator.pk, year] = _value(rng, base, k)
        self._insert_values(values, report_of)
        self._evaluations(rng, projects, yearly, activities)
        members = self._registry(rng, projects)
        self._cases(rng, projects, members)

    def _per_project(self) -> dict[str, int]:
        return {t: max(1, round(self.members * share)) for t, share in MEMBER_SHARES.items()}

    def _organisation(self, rng, name: str, type_: str) -> Organisation:
        org = Organisation(
            name=name, normalised_name=normalise_name(name), type=type_, fictional=True
        )
        if type_ == OrganisationType.FIRM:
            org.industry = rng.choice(INDUSTRIES)
            org.trade = "wholesale" if org.industry == "I" else ""
            capital = rng.choice([10, 30, 50, 100, 300, 1000, 5000])
            org.capital_yen = capital * 1_000_000 if rng.random() < 0.9 else None
            org.employees = rng.randint(3, 1200) if rng.random() < 0.9 else None
        return org

    def pools(self) -> dict[str, list[Organisation]]:
        """The organisations every project draws from, made once (the same names whatever the
        seed or the start, so a run in several parts shares them)."""
        if self._pools is None:
            rng = random.Random("pools")
            sizes = {t: n * POOL_FACTOR for t, n in self._per_project().items()}
            sizes[OrganisationType.FIRM] = max(
                1, round(self._per_project()[OrganisationType.FIRM] * SHARED_FIRMS) * POOL_FACTOR
            )
            wanted = [
                self._organisation(rng, f"{PREFIX}{t}-共有{k + 1:05d}", t)
                for t, size in sizes.items()
                for k in range(size)
            ]
            have = {
                o.name: o for o in Organisation.objects.filter(name__in=[o.name for o in wanted])
            }
            missing = [o for o in wanted if o.name not in have]
            for o in self._save(Organisation, missing, "参画機関（共有）"):
                have[o.name] = o
            self._pools = {}
            for o in wanted:
                self._pools.setdefault(o.type, []).append(have[o.name])
        return self._pools

    def _registry(
        self, rng: random.Random, projects: list[Project]
    ) -> dict[int, list[Organisation]]:
        """Each project's member list: its own firms, and members drawn from the shared pools;
        joined over the first fiscal years, a few of them left since. Returns the members of
        each project (by its pk)."""
        pools = self.pools()
        per_project = self._per_project()
        firms = per_project[OrganisationType.FIRM]
        shared_firms = round(firms * SHARED_FIRMS)
        own = self._save(
            Organisation,
            [
                self._organisation(rng, f"{p.code}-企業{k + 1:04d}", OrganisationType.FIRM)
                for p in projects
                for k in range(firms - shared_firms)
            ],
        )
        own_of: dict[str, list[Organisation]] = {}
        for o in own:
            own_of.setdefault(o.name.rsplit("-企業", 1)[0], []).append(o)
        first, last = self.years[0], self.years[-1]
        memberships, members = [], {}
        for p in projects:
            chosen = members[p.pk] = list(own_of.get(p.code, []))
            for t, n in per_project.items():
                if t == OrganisationType.FIRM:
                    n = shared_firms
                chosen += rng.sample(pools[t], k=min(n, len(pools[t])))
            for o in chosen:
                joined = datetime.date(rng.randint(first - 5, first + 1), rng.randint(4, 12), 1)
                left = None
                if rng.random() < 0.1:
                    left = datetime.date(rng.randint(first + 1, last), 3, 31)
                memberships.append(
                    Membership(
                        organisation=o,
                        project=p,
                        joined=joined,
                        left=left if left and left >= joined else None,
                        role=Membership.Role.CORE if o is chosen[0] else Membership.Role.MEMBER,
                        source="生成データ",
                    )
                )
        self._save(Membership, memberships)
        return members

    def _cases(self, rng: random.Random, projects: list[Project], members: dict) -> None:
        """Each project's collaboration cases (CASES_PER_PROJECT, in different stages: each
        stage reached in the same or a later fiscal year than the one before) with a lead and
        partners from its members, and its adoptions by the reference policy tools, some of
        them funding a case. Bulk inserts with their history rows."""
        tools = list(PolicyTool.objects.filter(children__isnull=True).order_by("order", "pk"))
        tools = tools or list(PolicyTool.objects.order_by("order", "pk"))
        years = list(self.years)
        plans = []  # (case, stages, partners)
        for p in projects:
            firms = members.get(p.pk) or []
            for k in range(CASES_PER_PROJECT):
                lead = rng.choice(firms) if firms else None
                partners = rng.sample(firms, k=min(len(firms), rng.randint(1, 4)))
                reached = rng.randint(1, len(STAGE_ORDER))
                year, steps = rng.choice(years[: max(1, len(years) - 3)]), []
                for stage in STAGE_ORDER[:reached]:
                    steps.append((stage, year))
                    year = min(year + rng.randint(0, 1), years[-1])
                case = CollaborationCase(
                    project=p,
                    title=f"{p.code} 連携事例{k + 1}",
                    theme=rng.choice(CASE_THEMES),
                    lead=lead,
                    outcome_notes="生成データ",
                    sales_yen=rng.randrange(1, 500) * 1_000_000 if reached == 4 else None,
                )
                plans.append((case, steps, [o for o in partners if o is not lead]))
        cases = self._save(CollaborationCase, [case for case, _s, _p in plans])
        self._save(
            CaseStage,
            [
                CaseStage(case=case, stage=stage, fiscal_year=year)
                for case, (_c, steps, _p) in zip(cases, plans, strict=True)
                for stage, year in steps
            ],
        )
        self._save(
            CasePartner,
            [
                CasePartner(case=case, organisation=o, role=rng.choice(PARTNER_ROLES))
                for case, (_c, _s, partners) in zip(cases, plans, strict=True)
                for o in partners
            ],
        )
        if not tools:
            return
        by_project: dict[int, list[CollaborationCase]] = {}
        for case in cases:
            by_project.setdefault(case.project_id, []).append(case)
        adoptions = []
        for p in projects:
            own = by_project.get(p.pk, [])
            for k in range(ADOPTIONS_PER_PROJECT):
                case = own[k] if k < len(own) and rng.random() < 0.7 else None
                adoptions.append(
                    Adoption(
                        tool=rng.choice(tools),
                        fiscal_year=rng.choice(years),
                        project=p,
                        organisation=case.lead if case else None,
                        consortium_name="" if case and case.lead else f"{p.code} 連携体{k + 1}",
                        amount_yen=rng.randrange(5, 200) * 1_000_000,
                        theme=case.theme if case else rng.choice(CASE_THEMES),
                        case=case,
                    )
                )
        self._save(Adoption, adoptions)

    def _insert_values(self, values: dict, report_of: dict) -> None:
        """Monitored values are four in five of all rows: they skip the ORM's per-value SQL
        compilation and go in by `executemany`, with the same columns and the same history rows
        `bulk_create_with_history` would write."""
        now = connection.ops.adapt_datetimefield_value(self.now)
        rows = [
            {
                "project_id": project,
                "indicator_id": indicator,
                "fiscal_year": year,
                "kind": kind,
                "value": value,
                "is_approximate": False,
                "origin": MonitoredValue.Origin.REPORTED.value,
                "report_id": report_of[project, year],
                "source_note": "",
                "comment": "",
                "is_demo": False,
                "updated_at": now,
            }
            for (project, indicator, year), (kind, value) in values.items()
        ]
        _insert(MonitoredValue, rows)
        ids = MonitoredValue.objects.filter(
            project_id__in={project for project, _i, _y in values}
        ).values_list("pk", "project_id", "indicator_id", "fiscal_year")
        id_of = {(p, i, y): pk for pk, p, i, y in ids}
        for row in rows:
            row["id"] = id_of[row["project_id"], row["indicator_id"], row["fiscal_year"]]
            row.update(
                history_date=now,
                history_change_reason=None,
                history_type="+",
                history_user_id=self.people.manager.pk,
            )
        _insert(MonitoredValue.history.model, rows)
        self.counts.add(str(MonitoredValue._meta.verbose_name_plural), len(rows))
        self.counts.add(f"{MonitoredValue._meta.verbose_name_plural}（履歴）", len(rows))

    def _target_indicators(self, rng: random.Random) -> list[Indicator]:
        common = [i for i in self.indicators if i.is_common_target]
        others = [i for i in self.indicators if not i.is_common_target]
        return common + rng.sample(others, k=min(4, len(others)))

    def _versions(self, rng, targets, staff) -> list[TargetVersion]:
        versions = []
        for t in targets:
            phase = t.plan.phase
            author = staff[t.plan.project.bureau_id]
            value = Decimal(rng.randint(50, 500))
            versions.append(
                TargetVersion(
                    target=t,
                    number=1,
                    applies_from_fiscal_year=phase.first_fiscal_year,
                    baseline_value=Decimal(rng.randint(1, 40)),
                    baseline_fiscal_year=phase.first_fiscal_year - 1,
                    target_value=value,
                    target_fiscal_year=min(phase.last_fiscal_year, self.years[-1]),
                    author=author,
                )
            )
            if rng.random() < 0.2:
                versions.append(
                    TargetVersion(
                        target=t,
                        number=2,
                        applies_from_fiscal_year=phase.first_fiscal_year + 3,
                        baseline_value=versions[-1].baseline_value,
                        baseline_fiscal_year=versions[-1].baseline_fiscal_year,
                        target_value=value * Decimal("1.2"),
                        target_fiscal_year=versions[-1].target_fiscal_year,
                        reason="中間評価を受けて目標を引き上げ",
                        author=author,
                    )
                )
        return versions

    def _evaluations(self, rng, projects, yearly, activities) -> None:
        if not self.rounds:
            return
        now = self.now
        evaluations = self._save(
            ProjectEvaluation,
            [
                ProjectEvaluation(
                    round=round_,
                    project=p,
                    **evaluation_position_of(round_, p),
                    state=finished
                    and ProjectEvaluation.State.FINISHED
                    or ProjectEvaluation.State.IN_PROGRESS,
                    final_grade=rng.choice(Grade.values) if finished else "",
                    final_findings="連携の広がりは評価できる。" if finished else "",
                    final_recommendations="販路開拓の支援を強化する\n成果指標の把握方法を見直す"
                    if finished
                    else "",
                    consolidated_by=self.people.manager if finished else None,
                    consolidated_at=now if finished else None,
                )
                for round_ in self.rounds.values()
                for p in projects
                for finished in [rng.random() < 0.8]
            ],
        )
        pairs = [
            (e, evaluator)
            for n, e in enumerate(evaluations)
            for evaluator in (
                self.people.evaluators[n % 4],
                self.people.evaluators[(n + 1) % 4],
            )
        ]
        ProjectEvaluation.evaluators.through.objects.bulk_create(
            ProjectEvaluation.evaluators.through(projectevaluation=e, user=u) for e, u in pairs
        )
        ratings = self._save(
            EvaluatorRating,
            [
                EvaluatorRating(
                    evaluation=e,
                    evaluator=u,
                    overall_grade=rng.choice(Grade.values),
                    findings="所見",
                    recommendations="販路開拓の支援を強化する",
                )
                for e, u in pairs
            ],
        )
        self._save(
            CriterionGrade,
            [
                CriterionGrade(rating=r, criterion=c, grade=rng.choice(Grade.values))
                for r in ratings
                for c in self.criteria
            ],
        )
        items = self._save(
            ActionItem,
            [
                ActionItem(
                    project=e.project,
                    source=ActionItem.Source.EVALUATION,
                    evaluation=e,
                    text=line,
                    due_fiscal_year=e.round.fiscal_year + 1,
                    state=ActionItem.State.values[n % len(ActionItem.State.values)],
                    **position_of(e.project),
                )
                for n, (e, line) in enumerate(
                    (e, line)
                    for e in evaluations
                    if e.state == ProjectEvaluation.State.FINISHED
                    for line in e.final_recommendations.splitlines()
                )
            ],
        )
        for item in items:
            if item.state == ActionItem.State.DISMISSED:
                item.decision_note = "他の取組で対応済み"
            if item.state in (ActionItem.State.DONE, ActionItem.State.VERIFIED):
                item.done_note = "支援策を実施した"
        ActionItem.objects.bulk_update(items, ["decision_note", "done_note"], batch_size=BATCH)
        activities_of = {}
        for a in activities:
            activities_of.setdefault(
                (a.yearly_plan.project_id, a.yearly_plan.fiscal_year), []
            ).append(a)
        ActionItem.activities.through.objects.bulk_create(
            ActionItem.activities.through(actionitem=item, activity=a)
            for item in items
            if item.state != ActionItem.State.OPEN
            for a in activities_of.get((item.project_id, item.due_fiscal_year), [])[:1]
        )


def _insert(model, rows: list[dict]) -> None:
    """INSERT rows (dicts keyed by column): by COPY on PostgreSQL (psycopg's `copy`, four
    times faster than its pipelined executemany for the values' million rows), else by
    executemany, in batches."""
    if not rows:
        return
    columns = list(rows[0])
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH):
            cursor.executemany(
                sql, [tuple(r[c] for c in columns) for r in rows[first : first + BATCH]]
            )


def existing(prefix: str = PREFIX) -> int:
    return Project.objects.filter(code__startswith=prefix).count()


def analyze(models: Iterable | None = None) -> None:
    """On PostgreSQL, ANALYZE the tables of `models` (else the whole database): refresh the
    planner's row counts and statistics after a bulk load. Autovacuum would, some time after
    the load's transactions commit, but never sees rows of a transaction still open (a
    test's): until then the planner may take a table that now holds thousands of rows for
    empty, and join it by nested loops over whole-table scans (minutes instead of milliseconds
    at a few hundred projects). Inside a transaction too: ANALYZE sees the transaction's own
    rows. Nothing on SQLite, whose planner keeps no such counts."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models or [])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}".strip())
