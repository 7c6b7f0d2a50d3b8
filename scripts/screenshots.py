"""Regenerate the screenshots of docs/screenshots.md (issue 24): `make screenshots`.

On a throw-away SQLite database with the demo data (load_reference, load_demo), a local
runserver and Debian's Chromium driven by Playwright (as tests/browser does), it saves under
docs/screenshots/:

- report-grid.png     the annual report's entry grid (staff of the report's bureau);
- english-page.png    the round roll-up in English (a manager, the language cookie "en");
- export-pdf.png      the national roll-up workbook as printed: the xlsx export converted to PDF
                      by LibreOffice headless (`soffice --convert-to pdf`), the top of its
                      first page as PNG.

Local only, never in CI: LibreOffice is `apt-get install -y libreoffice-calc-nogui`; the PDF's
page is drawn by `pdftoppm` (`apt-get install -y poppler-utils`). Each PNG must stay under
300 KB.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PYTHON = sys.executable
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
MAX_BYTES = 300_000
DEMO_DAY = "2009-07-01"


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own local server)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not answer")


def targets() -> dict:
    """What to photograph, read from the demo database: an editable report and the round."""
    import django

    django.setup()
    from django.urls import reverse

    from evaluation.models import AnnualReport, EvaluationRound
    from evaluation.models.workflow import EDITABLE_STATES

    report = (
        AnnualReport.objects.filter(state__in=EDITABLE_STATES)
        .select_related("project__bureau")
        .order_by("-fiscal_year", "project__order")
        .first()
    )
    evaluation_round = EvaluationRound.objects.order_by("-fiscal_year").first()
    if report is None or evaluation_round is None:
        raise SystemExit("the demo data have no editable report or no evaluation round")
    return {
        "staff": f"staff-{report.project.bureau.code}",
        "report": reverse("report_edit", args=[report.project.code, report.fiscal_year]),
        "rollup": reverse("round_rollup", args=[evaluation_round.pk]),
        "national_xlsx": reverse("national_rollup_export", kwargs={"fmt": "xlsx"})
        + f"?year={evaluation_round.fiscal_year}",
    }


def login(page, base: str, username: str) -> None:
    from evaluation.demo.load import DEMO_PASSWORD

    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def shoot(base: str, where: dict, work: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        size = {"width": 1280, "height": 800}

        staff = browser.new_context(locale="ja-JP", viewport=size)
        page = staff.new_page()
        login(page, base, where["staff"])
        page.goto(base + where["report"])
        # the first category's heading at the top, its grid under it
        page.locator("table.grid").first.evaluate(
            "table => table.closest('.table-container').previousElementSibling.scrollIntoView()"
        )
        page.screenshot(path=OUT / "report-grid.png")

        manager = browser.new_context(locale="en-GB", viewport=size)
        manager.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        page = manager.new_page()
        login(page, base, "manager")
        page.goto(base + where["rollup"])
        page.screenshot(path=OUT / "english-page.png")

        manager.clear_cookies()
        page = manager.new_page()
        login(page, base, "manager")  # the workbook in Japanese, as offices print it
        workbook = work / "national-rollup.xlsx"
        workbook.write_bytes(page.request.get(base + where["national_xlsx"]).body())
        browser.close()
    print_to_png(workbook, OUT / "export-pdf.png", work)


def print_to_png(workbook: Path, png: Path, work: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice is not installed: apt-get install -y libreoffice-calc-nogui")
    profile = f"-env:UserInstallation=file://{work}/lo-profile"
    convert = [soffice, profile, "--headless", "--convert-to"]
    subprocess.run([*convert, "pdf", "--outdir", str(work), str(workbook)], check=True)
    pdf = workbook.with_suffix(".pdf")
    if not shutil.which("pdftoppm"):  # LibreOffice's Calc without a GUI exports no PNG
        raise SystemExit("pdftoppm is not installed: apt-get install -y poppler-utils")
    stem = work / "page"
    # the first page at 110 dpi, its upper half (the title block and the table's first rows)
    draw = ["pdftoppm", "-png", "-r", "110", "-singlefile", "-H", "560", str(pdf), str(stem)]
    subprocess.run(draw, check=True)
    shutil.copy(stem.with_suffix(".png"), png)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"sqlite:///{work / 'demo.sqlite3'}",
            "PDCA_TODAY": DEMO_DAY,
        }
        os.environ.update(env)
        for command in (["migrate", "--noinput"], ["load_reference"], ["load_demo"]):
            manage(env, *command, "-v", "0")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_for(base + "/accounts/login/")
            shoot(base, targets(), work)
        finally:
            server.terminate()
            server.wait(timeout=30)
    for png in sorted(OUT.glob("*.png")):
        size = png.stat().st_size
        print(f"{png.relative_to(ROOT)}: {size // 1000} KB")
        if size > MAX_BYTES:
            raise SystemExit(f"{png.name} is over {MAX_BYTES // 1000} KB")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
