import json
import os
import platform
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from evaluation.demo import bench
from evaluation.models import MonitoredValue
from projects.models import Project


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


class Command(BaseCommand):
    help = (
        "主要な画面・出力・API を局担当者、本省担当者、評価者として開き、SQL の件数と"
        "時間の中央値を表と JSON で示す（generate_data のデータが必要）。"
        "--compare で小さい規模の結果との比を示す。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repeat", type=int, default=5, help="測る回数（全画面を巡る回数。ほかに予行 1 巡）"
        )
        parser.add_argument("--json", type=Path, help="結果を書き出す JSON ファイル")
        parser.add_argument(
            "--statistic",
            choices=sorted(bench.STATISTICS),
            default="median",
            help="比べる時間: median（中央値）か best（最速。混んだ機械では best が安定）",
        )
        parser.add_argument("--compare", type=Path, help="比べる相手（小さい規模）の JSON")
        parser.add_argument("--import-rows", type=int, default=10_000)
        parser.add_argument("--only", help="この URL 名の画面だけを測る（カンマ区切り）")
        parser.add_argument(
            "--roles",
            help=f"この役割だけで開く（カンマ区切り、{', '.join(bench.ROLES)} から）",
        )
        parser.add_argument(
            "--no-pages", action="store_true", help="画面は測らず、出力と取込みの比だけを測る"
        )

    def handle(self, *args, repeat, compare: Path | None, statistic: str, **options):
        if repeat < 1:
            raise CommandError("--repeat は 1 以上にしてください。")
        try:
            sample = bench.sample()
        except Project.DoesNotExist:
            raise CommandError(
                "生成データがありません。先に generate_data を実行してください。"
            ) from None
        pages = bench.KEY_PAGES
        if options["only"]:
            names = set(options["only"].split(","))
            pages = [p for p in pages if p.url_name in names]
        roles = bench.ROLES
        if options["roles"]:
            roles = tuple(role for role in options["roles"].split(",") if role)
            if unknown := set(roles) - set(bench.ROLES):
                raise CommandError(f"役割がありません: {', '.join(sorted(unknown))}")
        rows = (
            []
            if options["no_pages"]
            else bench.run(sample, repeat=repeat, pages=pages, roles=roles)
        )
        result = {
            "meta": {
                "date": timezone.localdate().isoformat(),
                "commit": commit(),
                "engine": connection.vendor,
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                "projects": Project.objects.count(),
                "values": MonitoredValue.objects.count(),
                "repeat": repeat,
                "statistic": statistic,
            },
            "rows": bench.as_dicts(rows),
        }
        if not options["only"]:
            result["export"] = bench.export_figures(sample, repeat=repeat, statistic=statistic)
            result["import"] = bench.import_figures(
                sample,
                rows=options["import_rows"],
                repeat=max(1, repeat // 2),
                statistic=statistic,
            )
            result["matrix"] = bench.matrix_figures(sample, repeat=repeat, statistic=statistic)
        elif "tracking_matrix" in options["only"].split(","):
            # the matrix's target (≤ 3× its bare view) with the page itself
            result["matrix"] = bench.matrix_figures(sample, repeat=repeat, statistic=statistic)
        baseline = self._load(compare) if compare else None
        result["targets"] = bench.target_report(result, baseline, statistic)
        self._print(result, baseline)
        if options["json"]:
            options["json"].write_text(
                json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            self.stdout.write(f"{options['json']} に書き出しました。")

    def _load(self, path: Path) -> dict:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path} を読めません: {error}") from None

    def _print(self, result: dict, baseline: dict | None) -> None:
        meta = result["meta"]
        statistic = meta["statistic"]
        self.stdout.write(
            f"{meta['engine']}, {meta['projects']:,} プロジェクト, {meta['values']:,} 値, "
            f"commit {meta['commit']}, {meta['date']}, {meta['repeat']} 回の"
            + ("最速値" if statistic == "best" else "中央値")
        )
        before = {}
        if baseline:
            before = {(r["label"], r["role"]): r for r in baseline["rows"]}
            b = baseline["meta"]
            self.stdout.write(f"比べる相手: {b['engine']}, {b['projects']:,} プロジェクト")
        header = f"{'画面':<24} {'役割':<9} {'応答':>4} {'SQL':>4} {'ms':>9}"
        if baseline:
            header += f" {'SQL前':>5} {'時間比':>6} {'目標':>5}"
        self.stdout.write(header)
        for r in result["rows"]:
            line = (
                f"{r['label']:<24} {r['role']:<9} {r['status']:>4} {r['queries']:>4} "
                f"{bench.row_ms(r, statistic):>9.1f}"
            )
            old = before.get((r["label"], r["role"]))
            if old:
                old_ms = bench.row_ms(old, statistic)
                ratio = bench.row_ms(r, statistic) / old_ms if old_ms else 0
                target = bench.TIME_RATIO_TARGET.get(r["scope"])
                mark = "" if target is None else ("OK" if ratio <= target else "超過")
                same = "=" if old["queries"] == r["queries"] else f"{old['queries']}≠"
                line += f" {same:>5} {ratio:>6.2f} {mark:>5}"
            self.stdout.write(line)
        for key in ("export", "import", "matrix"):
            if key in result:
                figures = result[key]
                line = ", ".join(f"{k} {v}" for k, v in figures.items())
                if baseline and key in baseline and "peak_kib" in figures:
                    peak = figures["peak_kib"] / max(1, baseline[key]["peak_kib"])
                    line += f", peak ratio {peak:.2f}"
                self.stdout.write(f"{key}: {line}")
        self.stdout.write("目標（issue 27）:")
        for t in result["targets"]:
            verdict = {True: "MET", False: "NOT MET", None: "—"}[t["met"]]
            figure = "—" if t["figure"] is None else t["figure"]
            bound = "" if t["bound"] is None else f" (≤ {t['bound']})"
            worst = f" [{t['worst']}]" if t["worst"] else ""
            self.stdout.write(f"  {verdict:<7} {t['what']}: {figure}{bound}{worst}")
