"""Accounts and drafts for `make loadtest`: N staff accounts (loadtest-01 …), each with the
phase II plan of one project of its bureau to edit, a few users to a plan so that saves collide.
Writes the accounts, and the annual reports any staff may download, to a JSON file."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.loadtest")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402

from evaluation.demo.load import DEMO_PASSWORD  # noqa: E402
from evaluation.models import AnnualReport, ProjectPlan, State  # noqa: E402
from evaluation.services.plans import plan_create  # noqa: E402
from projects.models import Phase, Project, Role, User  # noqa: E402

PHASE = "II"


@transaction.atomic
def prepare(count: int) -> dict:
    phase = Phase.objects.get(code=PHASE)
    staff_group = Group.objects.get(name=Role.STAFF.value)
    plans = {p.project_id: p for p in ProjectPlan.objects.filter(phase=phase)}
    projects = [
        project
        for project in Project.objects.select_related("bureau").order_by("code")
        if project.pk not in plans or plans[project.pk].state == State.DRAFT
    ]
    accounts = []
    for number in range(1, count + 1):
        project = projects[number % len(projects)]
        user, created = User.objects.get_or_create(
            username=f"loadtest-{number:02d}", defaults={"bureau": project.bureau}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(staff_group)
        if project.pk not in plans:
            plans[project.pk] = plan_create(project=project, phase=phase, by=user)
        accounts.append({"username": user.username, "project": project.code, "phase": PHASE})
    exports = [
        [report.project.code, report.fiscal_year]
        for report in AnnualReport.objects.filter(state=State.APPROVED).select_related("project")
    ]
    return {"password": DEMO_PASSWORD, "accounts": accounts, "exports": exports}


if __name__ == "__main__":
    count, path = int(sys.argv[1]), sys.argv[2]
    data = prepare(count)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
    plans = len({a["project"] for a in data["accounts"]})
    print(f"{count} accounts on {plans} draft plans; {len(data['exports'])} reports to export")
