"""`manage.py backup FILE`: every table in one file, audit history included.

The file is Django's JSON serialisation (`dumpdata`) of every model with its primary keys as they
are and times to the microsecond (config/backup_json.py), so that `restore` brings back the same
ids: links, exported workbooks and the django-simple-history tables (which keep the ids of rows
since deleted) stay consistent.
A name ending in .gz, .bz2, .xz or .zip is compressed. Only sessions are left out: they are
sign-ins, not data, and everyone signs in again after a restore. For a large database use
pg_dump (docs/deploy.md).
"""

from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand

LEFT_OUT = ["sessions"]


class Command(BaseCommand):
    help = "Write every table (audit history included) to FILE, for `manage.py restore`."

    def add_arguments(self, parser):
        parser.add_argument("file", help="e.g. backup-2026-04-01.json.gz")

    def handle(self, *args, file, **options):
        serializers.register_serializer("json", "config.backup_json")  # times to the microsecond
        try:
            call_command(
                "dumpdata",
                exclude=LEFT_OUT,
                output=file,
                use_base_manager=True,  # every row, whatever a default manager would hide
                verbosity=0,
            )
        finally:
            serializers.register_serializer("json", "django.core.serializers.json")
        self.stdout.write(f"{file} に保存しました。")
