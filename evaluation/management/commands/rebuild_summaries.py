"""Recompute the summaries (models/summaries.py) of every project from scratch, a chunk of
projects at a time: after loading data by other means than the services (fixtures, the demo,
the generator) or to check that the kept summaries hold (they are kept in the transaction of
every change, services/summaries.py)."""

import time

from django.core.management.base import BaseCommand

from evaluation.services.summaries import CHUNK, rebuild


class Command(BaseCommand):
    help = "Recompute the summaries of every project (target × fiscal year, project × fiscal year)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk", type=int, default=CHUNK, help=f"projects per batch (default {CHUNK})"
        )

    def handle(self, *args, chunk, **options):
        started = time.perf_counter()
        rows = rebuild(chunk=max(chunk, 1))
        seconds = time.perf_counter() - started
        self.stdout.write(f"{rows:,} target summaries rebuilt in {seconds:.1f} s.")
