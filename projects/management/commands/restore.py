"""`manage.py restore FILE`: load a `manage.py backup` file into an empty database.

Steps: migrate (creates the tables in a new database), refuse if any table already holds data of
its own, replace the rows that migrate itself creates (content types, permissions, role groups)
by the backup's, with the same ids, load everything in one transaction, then run migrate's
post-migrate steps again so that anything newer than the backup (a content type, a permission of
the role groups) exists. Use the release that made the backup, then upgrade (docs/deploy.md): a
file of an older release may lack a column added since (a NOT NULL one fails to load), and then
nothing is loaded and the error says so.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction
from django.test.utils import override_settings

MADE_BY_MIGRATE = {ContentType, Permission, Group}


class Command(BaseCommand):
    help = "Load a file written by `manage.py backup` into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        call_command("migrate", interactive=False, verbosity=0)
        holding = [
            model._meta.label
            for model in apps.get_models()
            if model not in MADE_BY_MIGRATE and model._meta.managed and model._base_manager.exists()
        ]
        if holding:
            raise CommandError(
                "復元先のデータベースが空ではありません（" + ", ".join(holding[:5]) + " …）。"
                "空のデータベースに復元してください。"
            )
        try:
            with transaction.atomic():
                Group.objects.all().delete()
                Permission.objects.all().delete()
                ContentType.objects.all().delete()
                # The backup holds the audit history itself: loading many-to-many links must
                # not write new history rows (django-simple-history records m2m changes even
                # for raw loads), or the restored history would differ from the backed-up one.
                with override_settings(SIMPLE_HISTORY_ENABLED=False):
                    call_command("loaddata", file, verbosity=0)
        except (DatabaseError, DeserializationError) as error:
            raise CommandError(
                f"{file} を読み込めませんでした。データは何も読み込んでいません。"
                "バックアップは作成したリリースのデータ構造で書かれています。"
                "そのリリースで復元してから、新しいリリースに更新してください（docs/deploy.md）。"
                f"\n詳細：{error}"
            ) from error
        finally:
            ContentType.objects.clear_cache()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"{file} から復元しました。")
