"""After `make loadtest`: every save the server acknowledged must be in the database (in the
plan's audit history, with its own version), and no two saves of a plan may share a version."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.loadtest")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.db.models import Count  # noqa: E402

from evaluation.models import ProjectPlan  # noqa: E402

PHASE = "II"


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    history = ProjectPlan.history.filter(phase__code=PHASE)
    saved = set(history.values_list("project__code", "industrial_resources"))
    lost = [a for a in results["acknowledged"] if (a["project"], a["text"]) not in saved]
    shared_versions = (
        history.filter(industrial_resources__startswith="loadtest-")
        .values("id", "version")
        .annotate(n=Count("history_id"))
        .filter(n__gt=1)
        .count()
    )
    summary = results["summary"]
    print(
        f"requests={summary['requests']} errors={summary['errors']} "
        f"conflicts(409)={summary['conflicts']} p50={summary['p50_ms']}ms "
        f"p95={summary['p95_ms']}ms rps={summary['rps']}"
    )
    print(
        f"acknowledged saves={len(results['acknowledged'])} lost writes={len(lost)} "
        f"versions saved twice={shared_versions}"
    )
    for item in lost[:10]:
        print("  lost:", item)
    return 0 if summary["errors"] == 0 and not lost and not shared_versions else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
