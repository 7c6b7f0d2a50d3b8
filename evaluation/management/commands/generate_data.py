import resource
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from evaluation.demo.generate import Generator, analyze, existing
from projects.models import Phase


def year_range(text: str) -> tuple[int, int]:
    try:
        first, _sep, last = text.partition("-")
        first, last = int(first), int(last or first)
    except ValueError:
        raise CommandError(f"年度の範囲は 2006-2020 の形で指定してください: {text}") from None
    if not 1926 <= first <= last <= 2100:
        raise CommandError(f"年度の範囲が正しくありません: {text}")
    return first, last


class Command(BaseCommand):
    help = (
        "ベンチマーク用の合成データを作る（同じ --seed なら同じデータ）。参照データがなければ "
        "load_reference を先に実行する。生成済みのデータがあるデータベースには追加しない。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, required=True)
        parser.add_argument("--fiscal-years", default="2006-2020", type=year_range)
        parser.add_argument("--indicators", type=int, default=40)
        parser.add_argument(
            "--members", type=int, default=300, help="1 プロジェクトの会員数（会員名簿）"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--chunk", type=int, default=50, help="1 トランザクションの件数")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, projects, fiscal_years, indicators, members, seed, chunk, **options):
        if projects < 1:
            raise CommandError("--projects は1以上にしてください。")
        if not Phase.objects.exists():
            call_command("load_reference", verbosity=0)
        if existing():
            raise CommandError(
                f"生成済みのプロジェクトが{existing()}件あります。"
                "空のデータベースで実行してください。"
            )
        first, last = fiscal_years
        started = time.perf_counter()
        generator = Generator(
            seed=seed,
            first_year=first,
            last_year=last,
            indicator_count=indicators,
            members=members,
        )
        with tqdm(
            total=projects, unit="件", desc="プロジェクト", disable=options["no_progress"]
        ) as bar:
            counts = generator.run(projects, chunk=chunk, progress=bar.update)
        # The rows were bulk-inserted around the services: every summary once, at the end,
        # read with the planner's statistics of the new rows (PostgreSQL), and those of the
        # summaries refreshed after, for whatever reads the data next.
        analyze()
        call_command("rebuild_summaries", stdout=self.stdout)
        analyze()
        seconds = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for label, n in counts.rows.items():
            self.stdout.write(f"{label}: {n:,}")
        self.stdout.write(
            f"合計{counts.total:,}行、{seconds:.0f}秒、最大常駐メモリ {peak_kib / 1024:.0f} MiB"
            f"（{len(generator.indicators)} 指標、{first}〜{last}年度、seed {seed}）"
        )
