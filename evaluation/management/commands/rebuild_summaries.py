"""Recompute every kept summary from scratch: the per-target summaries of every project
(models/summaries.py, a chunk of projects at a time), the national totals
(models/summaries_national.py), the national member counts (services/member_counts.py) and the
action items' and project evaluations' kept places in the lists (services/list_positions.py). Run
it after loading data by other means than the services (fixtures, the demo, the generator, a
change of the rating bands in the admin) or to check that the kept summaries hold (they are
kept in the transaction of every change: services/summaries.py, services/national_summaries.py,
services/member_counts.py, services/list_positions.py)."""

import time

from django.core.management.base import BaseCommand

from evaluation.services.list_positions import list_positions_refill
from evaluation.services.member_counts import rebuild_member_counts
from evaluation.services.national_summaries import rebuild_national
from evaluation.services.summaries import CHUNK, rebuild


class Command(BaseCommand):
    help = (
        "Recompute the kept summaries: per target and year, per project and year, national, "
        "member counts, the action items' and evaluations' places in the lists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk", type=int, default=CHUNK, help=f"projects per batch (default {CHUNK})"
        )

    def handle(self, *args, chunk, **options):
        started = time.perf_counter()
        rows = rebuild(chunk=max(chunk, 1))
        middle = time.perf_counter()
        national = rebuild_national()
        done = time.perf_counter()
        members = rebuild_member_counts()
        last = time.perf_counter()
        items = list_positions_refill()
        positions = time.perf_counter()
        self.stdout.write(f"{rows:,} target summaries rebuilt in {middle - started:.1f} s.")
        self.stdout.write(f"{national:,} national totals rebuilt in {done - middle:.1f} s.")
        self.stdout.write(f"{members:,} member count changes rebuilt in {last - done:.1f} s.")
        self.stdout.write(
            f"{items:,} action items' and evaluations' places rewritten in "
            f"{positions - last:.1f} s."
        )
