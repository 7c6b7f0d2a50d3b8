from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from evaluation.services.panel import COLUMNS, panel_figures_import
from projects.models import User


class Command(BaseCommand):
    help = (
        "参画企業の年度値（経済指標の継続集計企業）を CSV（UTF-8、BOM 可）から取り込む。見出し行: "
        + ",".join(COLUMNS)
        + "。空欄は未把握。問題があれば一覧を表示し、何も変更せずに終了コード 1 で終わる。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, help="記録に残す利用者名（本省評価担当・局担当者）"
        )

    def handle(self, *args, file: Path, user: str, **options):
        try:
            by = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"利用者「{user}」がいません。") from None
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"ファイルを読み込めません：{error}") from None
        try:
            written = panel_figures_import(text=text, by=by)
        except PermissionDenied:
            raise CommandError(f"利用者「{user}」は取り込めません。") from None
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                f"{file}: {len(error.messages)}件の問題のため取り込みませんでした。"
            ) from None
        self.stdout.write(f"{file}: {written}行を取り込みました。")
