from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
REFERENCE_FIXTURES = sorted(p.name for p in FIXTURE_DIR.glob("0*.json"))


class Command(BaseCommand):
    help = (
        "参照データ（経済産業局・19プロジェクト・指標カタログ・施策予算）を読み込む。"
        "何度実行しても重複しない。"
    )

    def handle(self, *args, **options):
        paths = [str(FIXTURE_DIR / name) for name in REFERENCE_FIXTURES]
        call_command("loaddata", *paths, verbosity=options["verbosity"])
