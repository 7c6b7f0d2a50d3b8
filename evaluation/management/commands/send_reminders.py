"""Daily reminders (cron): each active project's bureau staff are told of an annual report due
within 14 days and not yet submitted; running it twice a day gives each reminder once."""

from django.core.management.base import BaseCommand

from evaluation.services.notifications import REMIND_DAYS, send_reminders


class Command(BaseCommand):
    help = f"Remind bureau staff of annual reports due within {REMIND_DAYS} days (safe to rerun)."

    def handle(self, *args, **options):
        given = send_reminders()
        self.stdout.write(f"{given} reminder(s) given.")
