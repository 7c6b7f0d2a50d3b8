"""Recompute the national roll-up's read model (IndicatorYearTotal) from the settled values:
after data loaded around the services (fixtures, the generator, a restore)."""

import time

from django.core.management.base import BaseCommand

from evaluation.services.national_summaries import rebuild_national


class Command(BaseCommand):
    help = "全国集計の合計（指標×年度×経済産業局）を承認済み・公表資料の値から作り直します。"

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = rebuild_national()
        seconds = time.perf_counter() - started
        self.stdout.write(f"全国集計の合計: {rows:,} 行を作り直しました（{seconds:.1f} 秒）。")
