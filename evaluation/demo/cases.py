"""Demo collaboration cases (連携事例) and adoptions (採択) of the six demo projects.

The seed's three cases are the reference cases of their projects:
㈱東洋ボデー＋４社「アルミ製超軽量小型車用トラックボディーの開発」（事業化, Kanto/TAMA),
㈱京都モノテック＋７大学等＋５社「ポストゲノム解析用マイクロＨＰＬＣの開発」
（一部製品化 → 製品化, Kinki bio)
and a university venture founded in April 2002 on Open SOAP (Hokkaido). The other cases are
invented, in different stages.
The seed counts 31 adoptions of 地域新生コンソーシアム研究開発事業 in FY2001–03 for one project
(Hokkaido here); their amounts, and every other adoption, are invented and say so in their note.
Partners are drawn from the project's demo member list (loaded before). Idempotent: a project
that has cases is left alone; audited under the bureau's demo staff.
"""

import random

from evaluation.services.cases import PartnerInput, adoption_save, case_save
from projects.cases import StageStep
from projects.models import (
    Adoption,
    CollaborationCase,
    Field,
    Organisation,
    OrganisationType,
    PolicyTool,
    Project,
)

RND_TOOL = "regional-consortium-rnd"
NETWORK_TOOL = "network-formation"
INVENTED = "金額は架空（デモデータ）"
REASON = "デモデータの生成"

# (title, lead as written, lead organisation, field, stages, reference, partners, notes)
REFERENCE_CASES = {
    "kanto-regional-revitalisation": (
        "アルミ製超軽量小型車用トラックボディーの開発",
        "㈱東洋ボデー＋４社",
        None,  # demo firms are fictional: the seed's firm stays as written in the label
        "manufacturing",
        [("rd", 2003), ("prototype", 2004), ("product", 2005), ("business", 2005)],
        4,
        "資料の事例（事業化）。",
    ),
    "kinki-bio": (
        "ポストゲノム解析用マイクロＨＰＬＣの開発",
        "㈱京都モノテック＋７大学等＋５社",
        None,
        "bio",
        [("rd", 2002), ("prototype", 2003), ("product", 2005)],
        12,
        "資料の事例（一部製品化）。",
    ),
    "hokkaido-super-cluster": (
        "Open SOAP による大学発ベンチャーの創業",
        "Open SOAP 大学発ベンチャー",
        "Open SOAP 大学発ベンチャー（架空）",
        "it",
        [
            ("rd", 2001),
            ("prototype", None, True, "ソフトウェアのため試作の段階を経ていない"),
            ("product", 2002),
            ("business", 2002),
        ],
        2,
        "資料の事例：2002年4月に創業した大学発ベンチャー（名称は架空）。",
    ),
}

INVENTED_CASES = [
    ("共同研究による新素材の評価", [("rd", 2006)]),
    ("地域企業連携による試作品開発", [("rd", 2005), ("prototype", 2006)]),
    ("産学連携による製品化", [("rd", 2005), ("prototype", 2006), ("product", 2007)]),
    (
        "販路開拓による事業化",
        [("rd", 2005), ("prototype", 2006), ("product", 2007), ("business", 2008)],
    ),
]


def _partners(project: Project, count: int) -> list[Organisation]:
    return list(
        Organisation.objects.filter(memberships__project=project)
        .exclude(type=OrganisationType.FIRM)
        .distinct()
        .order_by("normalised_name", "id")[:count]
    )


def _lead(name: str, staff) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        organisation = Organisation(name=name, type=OrganisationType.FIRM, fictional="架空" in name)
        organisation._history_user, organisation._change_reason = staff, REASON
        organisation.full_clean()
        organisation.save()
    return organisation


def _case(project, staff, *, title, lead, lead_label, field, steps, partners, notes, reference):
    case = CollaborationCase(
        project=project,
        title=title,
        lead=lead,
        lead_label=lead_label,
        field=field,
        outcome_notes=notes,
        reference=reference,
    )
    return case_save(
        case=case,
        stages=[StageStep(*step) for step in steps],
        partners=[PartnerInput(p.pk, "共同研究") for p in partners],
        by=staff,
        reason=REASON,
    )


def _adopt(project, staff, tool, year, amount, *, case=None, organisation=None, name=""):
    return adoption_save(
        adoption=Adoption(
            tool=tool,
            fiscal_year=year,
            project=project,
            organisation=organisation,
            consortium_name=name,
            amount_yen=amount,
            theme=case.title if case else "",
            case=case,
            note=INVENTED,
        ),
        by=staff,
        reason=REASON,
    )


def load_demo_cases(staff_by_bureau) -> tuple[int, int]:
    """Cases and adoptions of the demo projects; returns (cases, adoptions) created."""
    from evaluation.demo.members import DEMO_MEMBERS

    tools = {t.code: t for t in PolicyTool.objects.filter(code__in=[RND_TOOL, NETWORK_TOOL])}
    if len(tools) < 2:
        return 0, 0
    fields = {f.code: f for f in Field.objects.all()}
    done = set(
        CollaborationCase.objects.filter(project__code__in=DEMO_MEMBERS).values_list(
            "project__code", flat=True
        )
    )
    projects = Project.objects.filter(code__in=DEMO_MEMBERS).exclude(code__in=done)
    cases = adoptions = 0
    for project in projects.select_related("bureau").order_by("code"):
        staff = staff_by_bureau[project.bureau.code]
        made = _project_cases(project, staff, fields, tools)
        cases += len(made)
        adoptions += _project_adoptions(project, staff, tools, made)
    return cases, adoptions


def _project_cases(project, staff, fields, tools) -> list[CollaborationCase]:
    made = []
    partners = _partners(project, 12)
    reference = REFERENCE_CASES.get(project.code)
    if reference:
        title, label, lead, field, steps, count, notes = reference
        made.append(
            _case(
                project,
                staff,
                title=title,
                lead=_lead(lead, staff) if lead else None,
                lead_label=label,
                field=fields.get(field),
                steps=steps,
                partners=partners[:count],
                notes=notes,
                reference=True,
            )
        )
    firms = list(
        Organisation.objects.filter(memberships__project=project, type=OrganisationType.FIRM)
        .distinct()
        .order_by("normalised_name", "id")[: len(INVENTED_CASES)]
    )
    for i, (title, steps) in enumerate(INVENTED_CASES):
        lead = firms[i] if i < len(firms) else _lead(f"{project.code}-{i}（架空）", staff)
        made.append(
            _case(
                project,
                staff,
                title=title,
                lead=lead,
                lead_label="",
                field=None,
                steps=steps,
                partners=partners[i : i + 2],
                notes="架空の事例（デモデータ）。",
                reference=False,
            )
        )
    return made


def _project_adoptions(project, staff, tools, made) -> int:
    rng = random.Random(f"adoptions:{project.code}")
    rnd, network = tools[RND_TOOL], tools[NETWORK_TOOL]
    count = 0
    if project.code == "hokkaido-super-cluster":
        # The seed's 31 consortium R&D adoptions of FY2001–03; the first funded the Open SOAP case.
        for i in range(31):
            year = 2001 + i * 3 // 31
            case = made[0] if i == 0 else None
            amount = rng.randrange(30, 101) * 1_000_000
            _adopt(
                project, staff, rnd, year, amount, case=case, name=f"北海道コンソーシアム{i + 1}"
            )
            count += 1
    elif REFERENCE_CASES.get(project.code):
        first_year = REFERENCE_CASES[project.code][4][0][1]
        _adopt(project, staff, rnd, first_year, 80_000_000, case=made[0], name=made[0].consortium)
        count += 1
    for case in made[-3:]:
        _adopt(
            project,
            staff,
            rnd,
            2006,
            rng.randrange(20, 81) * 1_000_000,
            case=case,
            organisation=case.lead,
        )
        count += 1
    _adopt(
        project, staff, network, 2006, rng.randrange(10, 31) * 1_000_000, name=f"{project} 推進組織"
    )
    return count + 1
