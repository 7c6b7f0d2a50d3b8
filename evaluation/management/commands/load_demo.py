"""Demo accounts and generated monitored values (FY2005–FY2008) for several projects.

Reproducible (a fixed seed per project and indicator) and idempotent: running it again changes
nothing that is already as generated. Every generated value is marked is_demo.
"""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from evaluation.demo.cases import load_demo_cases
from evaluation.demo.load import (
    DEMO_FISCAL_YEARS,
    DEMO_INDICATORS,
    DEMO_PASSWORD,
    DEMO_PROJECTS,
    demo_accounts,
    generated_values,
    load_demo_actions,
    load_demo_plans,
    load_demo_round,
    walk_demo_reports,
)
from evaluation.demo.members import load_demo_members
from evaluation.models import AnnualReport, Indicator, MonitoredValue
from evaluation.services.monitoring import monitored_value_record, monitored_values_create
from evaluation.services.reports import annual_report_create
from evaluation.services.summaries import deferred_refresh
from projects.models import Bureau, Project, Role, User


class Command(BaseCommand):
    help = "デモ用アカウントとデモ値（2005〜2008年度）を作成する。何度実行しても重複しない。"

    def handle(self, *args, **options):
        # One transaction; the services' refreshes of the kept summaries are done once, at the
        # end of it, instead of after every value, report and plan (hundreds of times).
        with deferred_refresh():
            self._load()

    def _load(self):
        groups = {role: Group.objects.get(name=role.value) for role in Role}
        bureaus = {bureau.code: bureau for bureau in Bureau.objects.all()}
        staff_by_bureau = {}
        password = make_password(DEMO_PASSWORD)  # hashed once: every demo account shares it
        for username, role, bureau_code in demo_accounts():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"bureau": bureaus.get(bureau_code) if bureau_code else None},
            )
            if created:
                user.password = password
                user.is_staff = role == Role.ADMIN
                user.is_superuser = role == Role.ADMIN
                user.save()
            user.groups.add(groups[role])
            if bureau_code:
                staff_by_bureau[bureau_code] = user

        indicators = {i.code: i for i in Indicator.objects.filter(code__in=DEMO_INDICATORS)}
        firms = dict(
            MonitoredValue.objects.filter(
                indicator__code="participating-firms", fiscal_year=2005
            ).values_list("project__code", "value")
        )
        universities = dict(
            MonitoredValue.objects.filter(
                indicator__code="participating-universities", fiscal_year=2005
            ).values_list("project__code", "value")
        )
        existing = {
            (v.project.code, v.indicator.code, v.fiscal_year): (v.kind, v.value)
            for v in MonitoredValue.objects.filter(project__code__in=DEMO_PROJECTS).select_related(
                "project", "indicator"
            )
        }
        written = 0
        new_reports = []
        for project in Project.objects.filter(code__in=DEMO_PROJECTS).select_related("bureau"):
            staff = staff_by_bureau[project.bureau.code]
            reports = {}
            for fiscal_year in DEMO_FISCAL_YEARS:
                report = AnnualReport.objects.filter(
                    project=project, fiscal_year=fiscal_year
                ).first()
                if report is None:
                    report = annual_report_create(
                        project=project, fiscal_year=fiscal_year, by=staff
                    )
                    new_reports.append(report)
                reports[fiscal_year] = report
            new_values = []
            for code, fiscal_year, kind, value in generated_values(
                project, int(firms[project.code]), int(universities[project.code])
            ):
                was = existing.get((project.code, code, fiscal_year))
                if was == (kind, value):
                    continue
                if was is None:  # new: written at once, under the same rules, below
                    new_values.append(
                        MonitoredValue(
                            report=reports[fiscal_year],
                            project=project,
                            indicator=indicators[code],
                            fiscal_year=fiscal_year,
                            kind=kind,
                            value=value,
                            source_note="デモデータ（自動生成）",
                            is_demo=True,
                        )
                    )
                    continue
                monitored_value_record(
                    report=reports[fiscal_year],
                    project=project,
                    indicator=indicators[code],
                    fiscal_year=fiscal_year,
                    kind=kind,
                    value=value,
                    source_note="デモデータ（自動生成）",
                    by=staff,
                    reason="デモデータの生成",
                    is_demo=True,
                )
                written += 1
            written += monitored_values_create(
                values=new_values, by=staff, reason="デモデータの生成"
            )
        # The member lists, cases and adoptions are recorded before the reports are walked to
        # approval and the FY2008 sheets are finished: they are the evidence those were approved
        # and rated on, written under the same locks as on the screens.
        members = load_demo_members(staff_by_bureau)
        self.stdout.write(f"デモの会員名簿: {members} 件の参画を作成しました。")
        cases, adoptions = load_demo_cases(staff_by_bureau)
        self.stdout.write(
            f"デモの連携事例と採択: 事例 {cases} 件、採択 {adoptions} 件を作成しました。"
        )
        walk_demo_reports(new_reports, staff_by_bureau, User.objects.get(username="manager"))
        self.stdout.write(f"デモ値: {written} 件を書き込みました。")
        created = load_demo_plans(staff_by_bureau, User.objects.get(username="manager"))
        self.stdout.write(f"デモの個別計画: {created} 件を作成しました。")
        rounds = load_demo_round(User.objects.get(username="manager"))
        self.stdout.write(f"デモの評価の実施回：{rounds} 件を作成しました。")
        moved = load_demo_actions(staff_by_bureau, User.objects.get(username="manager"))
        self.stdout.write(f"デモの改善事項: {moved} 件を進めました。")
        from evaluation.demo.reports import load_demo_reports_2

        demo_projects = list(
            Project.objects.filter(code__in=DEMO_PROJECTS).select_related("bureau").order_by("pk")
        )
        made = load_demo_reports_2(
            demo_projects, staff_by_bureau, User.objects.get(username="manager")
        )
        self.stdout.write(f"デモの業績指数とアンケート: {made} を作成しました。")

        from evaluation.demo.reports import link_demo_panel

        linked = link_demo_panel(demo_projects)
        self.stdout.write(f"継続集計企業 {linked} 社を会員名簿の企業に結び付けました。")
        # The fixtures and the demo's values came around the services: the summaries are
        # recomputed once from what is settled now.
        call_command("rebuild_summaries", stdout=self.stdout)
        self.stdout.write(f"デモ用アカウント（パスワードは共通: {DEMO_PASSWORD}）:")
        for username, role, bureau_code in demo_accounts():
            bureau = f" / {bureaus[bureau_code].name_ja}" if bureau_code else ""
            self.stdout.write(f"  {username:<16} {role.label}{bureau}")
