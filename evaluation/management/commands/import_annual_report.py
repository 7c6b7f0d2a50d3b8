from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluation.renderers.workbooks import WorkbookRefused
from evaluation.services.workbook_import import annual_report_import
from projects.models import User


class Command(BaseCommand):
    help = (
        "年度報告のブック（画面からダウンロードした .xlsx）を取り込む。問題があれば一覧を表示し、"
        "何も変更せずに終了コード 1 で終わる。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="記録に残す利用者名（局担当者）")
        parser.add_argument("--reason", default="", help="提出後の変更の理由")

    def handle(self, *args, file: Path, user: str, reason: str, **options):
        try:
            by = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"利用者「{user}」がいません。") from None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"ファイルを読み込めません：{error}") from None
        try:
            report = annual_report_import(data=data, by=by, reason=reason)
        except WorkbookRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            if refused.more:
                self.stderr.write(refused.more)
            count = refused.total
            raise CommandError(f"{file}: {count:,}件の問題のため取り込みませんでした。") from None
        for note in report.conflict_notes:
            self.stdout.write(str(note))
        name, year, version = report.project.name_ja, report.fiscal_year, report.version
        self.stdout.write(f"{file}: {name} {year}年度を取り込みました（更新番号：{version}）。")
