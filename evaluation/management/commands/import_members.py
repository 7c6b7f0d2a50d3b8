from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from evaluation.renderers.workbooks import WorkbookRefused
from evaluation.services import registry
from projects.models import Project, User


class Command(BaseCommand):
    help = (
        "プロジェクトの会員名簿（.xlsx または .csv）を照合して結果を表示する。--apply で反映する"
        "（すべての行をまとめて。取込不可・要選択の行があれば何も変更せず終了コード 1）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="プロジェクトのコード")
        parser.add_argument("file", type=Path)
        parser.add_argument("--apply", action="store_true", help="照合の結果を反映する")
        parser.add_argument("--user", required=True, help="記録に残す利用者名（その局の担当者）")

    def handle(self, *args, project: str, file: Path, apply: bool, user: str, **options):
        try:
            by = User.objects.get(username=user, is_active=True)
            target = Project.objects.get(code=project)
        except (User.DoesNotExist, Project.DoesNotExist):
            raise CommandError(
                f"利用者「{user}」またはプロジェクト「{project}」がありません。"
            ) from None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"ファイルを読み込めません：{error}") from None
        try:
            preview = registry.member_list_preview(project=target, data=data, by=by)
            for item in preview.rows:
                reasons = "；".join(item.row.problems)
                self.stdout.write(f"{item.line}\t{item.status}\t{item.row.name}\t{reasons}")
            counts = preview.counts
            self.stdout.write("、".join(f"{status} {counts[status]}" for status in sorted(counts)))
            if not apply:
                self.stdout.write("確認のみ（--apply で反映します）。")
                return
            applied = registry.member_list_apply(
                project=target, token=preview.token, choices={}, by=by, source=file.name
            )
        except PermissionDenied:
            raise CommandError(f"{user} はこのプロジェクトの名簿を変更できません。") from None
        except WorkbookRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            if refused.more:
                self.stderr.write(refused.more)
            raise CommandError(
                f"{file}: {refused.total:,}件の問題のため反映しませんでした。"
            ) from None
        self.stdout.write(
            f"{file}: 新しい組織{applied.organisations_created}件、法人番号の追加"
            f"{applied.organisations_updated}件、会員の追加{applied.memberships_created}件、"
            f"変更なし{applied.unchanged}件。"
        )
